package dev.flux.desktop.tray;

import dev.flux.desktop.Messages;
import dev.flux.desktop.tunnels.TunnelRow;
import dev.flux.desktop.tunnels.TunnelsViewModel;
import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Supplier;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray icon where the desktop has a tray ({@link SystemTray#isSupported()}): show/hide the window, turn each
 * tunnel on or off, quit. AWT calls it on its own thread; everything it does hops to the screen's thread.
 */
public final class TrayMenu {

    private static final Logger log = LoggerFactory.getLogger(TrayMenu.class);

    private final TrayIcon icon;
    private final Menu tunnelsMenu;
    private String shown; // the tunnels and their switches the menu shows; screen thread only

    private TrayMenu(TrayIcon icon, Menu tunnelsMenu) {
        this.icon = icon;
        this.tunnelsMenu = tunnelsMenu;
    }

    /** Whether this desktop has a tray; false on a headless JVM. */
    public static boolean supported() {
        try {
            return !GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Adds the icon; null when there is no tray or it refuses the icon.
     *
     * @param tunnels the current ViewModel of the tunnels screen (it changes when the user signs in again)
     */
    public static TrayMenu install(Messages messages, Runnable showOrHide, Runnable quit,
                                   Supplier<TunnelsViewModel> tunnels) {
        if (!supported()) {
            return null;
        }
        PopupMenu menu = new PopupMenu();
        MenuItem show = new MenuItem(messages.get("tray.showHide"));
        show.addActionListener(e -> Platform.runLater(showOrHide));
        Menu tunnelsMenu = new Menu(messages.get("tray.tunnels"));
        MenuItem exit = new MenuItem(messages.get("tray.quit"));
        exit.addActionListener(e -> Platform.runLater(quit));
        menu.add(show);
        menu.add(tunnelsMenu);
        menu.addSeparator();
        menu.add(exit);
        TrayIcon icon = new TrayIcon(image(), "FLUX Gateway", menu);
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> Platform.runLater(showOrHide));
        try {
            SystemTray.getSystemTray().add(icon);
        } catch (AWTException e) {
            log.warn("the desktop's tray refused the icon ({}); closing the window will quit", e.getMessage());
            return null;
        }
        TrayMenu tray = new TrayMenu(icon, tunnelsMenu);
        // Rebuilt when opened would need AWT hooks that differ per desktop; a refresh every few seconds is enough.
        Platform.runLater(() -> tray.update(tunnels));
        return tray;
    }

    /** Rebuilds the per-tunnel items; call on the screen's thread when the list changes. */
    public void update(Supplier<TunnelsViewModel> tunnels) {
        TunnelsViewModel model = tunnels.get();
        if (model == null) {
            return;
        }
        List<TunnelRow> rows = List.copyOf(model.tunnels());
        String signature = rows.stream().map(r -> r.name() + "=" + r.enabledProperty().get()).toList().toString();
        if (signature.equals(shown)) {
            return; // rebuilding an unchanged menu would close it under the user's pointer on some desktops
        }
        shown = signature;
        java.awt.EventQueue.invokeLater(() -> {
            tunnelsMenu.removeAll();
            for (TunnelRow row : rows) {
                CheckboxMenuItem item = new CheckboxMenuItem(row.name(), row.enabledProperty().get());
                item.addItemListener(e -> {
                    boolean on = item.getState();
                    Platform.runLater(() -> model.setEnabled(row, on));
                });
                tunnelsMenu.add(item);
            }
        });
    }

    public void remove() {
        java.awt.EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }

    private static BufferedImage image() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x2563eb));
        g.fillRoundRect(2, 2, 28, 28, 8, 8);
        g.setColor(Color.WHITE);
        g.fillRect(10, 8, 4, 16);
        g.fillRect(10, 8, 12, 4);
        g.fillRect(10, 15, 9, 3);
        g.dispose();
        return img;
    }
}
