package dev.flux.desktop.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutostartTest {

    static final List<String> PACKAGED = List.of("/opt/FLUX Gateway/bin/FLUX Gateway");
    static final List<String> JAR = List.of("/usr/lib/jvm/java-17/bin/java", "-jar", "/home/a/100%/flux-desktop.jar");

    @TempDir
    Path dir;

    @Test
    void linuxWritesAnXdgEntryQuotedAsTheSpecificationSays() throws Exception {
        Autostart packaged = Autostart.xdg(dir, PACKAGED);
        packaged.set(true);
        assertThat(Files.readString(dir.resolve("flux-desktop.desktop")))
                .contains("Exec=\"/opt/FLUX Gateway/bin/FLUX Gateway\"\n");
        Autostart jar = Autostart.xdg(dir, JAR);
        assertThat(jar.entry()).contains("Exec=/usr/lib/jvm/java-17/bin/java -jar /home/a/100%%/flux-desktop.jar\n");
        assertThat(jar.isEnabled()).isTrue();
        jar.set(false);
        assertThat(jar.isEnabled()).isFalse();
        jar.set(false); // nothing to delete: no error
    }

    @Test
    void macosWritesALaunchAgentThatRunsAtLoad() throws Exception {
        Autostart agent = Autostart.forSystem("Mac OS X", Map.of(), dir, List.of("/Applications/FLUX Gateway.app/"
                + "Contents/MacOS/FLUX Gateway", "--tray<&>"));
        assertThat(agent.file()).isEqualTo(dir.resolve("Library/LaunchAgents/dev.flux.desktop.plist"));
        agent.set(true);
        String plist = Files.readString(agent.file());
        assertThat(plist).contains("<key>Label</key>\n  <string>dev.flux.desktop</string>")
                .contains("    <string>/Applications/FLUX Gateway.app/Contents/MacOS/FLUX Gateway</string>\n"
                        + "    <string>--tray&lt;&amp;&gt;</string>\n  </array>")
                .contains("<key>RunAtLoad</key>\n  <true/>");
        assertThat(agent.isEnabled()).isTrue();
        agent.set(false);
        assertThat(agent.file()).doesNotExist();
    }

    @Test
    void windowsSetsAndRemovesTheRunValueWithReg() {
        List<List<String>> ran = new ArrayList<>();
        int[] exit = {0};
        Autostart run = Autostart.windowsRunKey(List.of("C:\\Program Files\\FLUX Gateway\\FLUX Gateway.exe"),
                command -> {
                    ran.add(command);
                    return exit[0];
                });
        assertThat(run.file()).isNull();
        run.set(true);
        assertThat(ran.get(0)).containsExactly("reg", "add", Autostart.RUN_KEY, "/v", "FLUX Gateway", "/t", "REG_SZ",
                "/d", "\"C:\\Program Files\\FLUX Gateway\\FLUX Gateway.exe\"", "/f");
        assertThat(run.isEnabled()).isTrue();
        assertThat(ran.get(1)).containsExactly("reg", "query", Autostart.RUN_KEY, "/v", "FLUX Gateway");
        run.set(false);
        assertThat(ran.get(2)).containsExactly("reg", "delete", Autostart.RUN_KEY, "/v", "FLUX Gateway", "/f");

        exit[0] = 1;
        assertThat(run.isEnabled()).isFalse();
        run.set(false); // nothing to remove: fine
        assertThatThrownBy(() -> run.set(true)).hasMessageContaining("reg.exe exited with 1 when adding "
                + Autostart.RUN_KEY + "\\FLUX Gateway");
    }

    @Test
    void theSystemPicksTheWay() {
        assertThat(Autostart.forSystem("Linux", Map.of("XDG_CONFIG_HOME", "/x"), dir, JAR).file())
                .isEqualTo(Path.of("/x/autostart/flux-desktop.desktop"));
        assertThat(Autostart.forSystem("Windows 11", Map.of(), dir, JAR).location())
                .isEqualTo(Autostart.RUN_KEY + "\\FLUX Gateway");
    }
}
