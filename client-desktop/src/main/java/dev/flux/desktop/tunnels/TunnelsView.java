package dev.flux.desktop.tunnels;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.AreaChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.VBox;

/** The tunnels screen: the list with on/off toggles and states; the selected one's URL, QR code and traffic. */
public final class TunnelsView {

    private final TunnelsViewModel model;
    private final Messages messages;
    private final Node expose;
    private final Parent root;
    @FXML private VBox exposeBox;
    @FXML private TableView<TunnelRow> table;
    @FXML private TableColumn<TunnelRow, TunnelRow> onColumn;
    @FXML private TableColumn<TunnelRow, String> nameColumn;
    @FXML private TableColumn<TunnelRow, String> typeColumn;
    @FXML private TableColumn<TunnelRow, DisplayedState> stateColumn;
    @FXML private TableColumn<TunnelRow, String> urlColumn;
    @FXML private TableColumn<TunnelRow, String> localColumn;
    @FXML private TableColumn<TunnelRow, Number> connectionsColumn;
    @FXML private Label error;
    @FXML private Label notice;
    @FXML private VBox details;
    @FXML private Label detailUrl;
    @FXML private Button copyButton;
    @FXML private ImageView qrCode;
    @FXML private Label detailConnections;
    @FXML private AreaChart<Number, Number> trafficChart;

    private TunnelRow shown;
    private boolean redrawQueued;
    private final javafx.beans.value.ChangeListener<String> urlListener = (o, was, now) -> updateQr(now);
    private final javafx.beans.InvalidationListener trafficListener = o -> {
        if (shown != null && !redrawQueued) {
            redrawQueued = true;
            javafx.application.Platform.runLater(() -> {
                redrawQueued = false;
                if (shown != null) {
                    drawTraffic(shown);
                }
            });
        }
    };
    public TunnelsView(TunnelsViewModel model, Messages messages, Node expose) {
        this.model = model;
        this.messages = messages;
        this.expose = expose;
        this.root = ViewLoader.load(this, "Tunnels.fxml", messages);
    }

    @FXML
    private void initialize() {
        exposeBox.getChildren().add(expose);
        table.setItems(model.tunnels());
        onColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        onColumn.setCellFactory(c -> new ToggleCell());
        nameColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().name()));
        typeColumn.setCellValueFactory(c -> c.getValue().typeProperty());
        stateColumn.setCellValueFactory(c -> c.getValue().stateProperty());
        stateColumn.setCellFactory(c -> new StateCell());
        urlColumn.setCellValueFactory(c -> c.getValue().publicUrlProperty());
        localColumn.setCellValueFactory(c -> c.getValue().localTargetProperty());
        connectionsColumn.setCellValueFactory(c -> c.getValue().connectionsProperty());
        table.setPlaceholder(new Label(messages.get("tunnels.empty")));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != model.selectedProperty().get()) {
                model.selectedProperty().set(now);
            }
        });
        model.selectedProperty().addListener((o, was, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
            showDetails(now);
        });
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        notice.textProperty().bind(model.noticeProperty());
        notice.visibleProperty().bind(model.noticeProperty().isNotEmpty());
        notice.managedProperty().bind(notice.visibleProperty());
        copyButton.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(detailUrl.getText());
            Clipboard.getSystemClipboard().setContent(content);
            copyButton.setText(messages.get("tunnels.copied"));
        });
        trafficChart.setAnimated(false);
        trafficChart.setCreateSymbols(false);
        trafficChart.setLegendVisible(false);
        model.tunnels().addListener((javafx.collections.ListChangeListener<TunnelRow>) c -> table.refresh());
        showDetails(null);
    }

    private void showDetails(TunnelRow row) {
        if (shown != null) {
            shown.publicUrlProperty().removeListener(urlListener);
            shown.bytesInProperty().removeListener(trafficListener);
            shown.bytesOutProperty().removeListener(trafficListener);
        }
        shown = row;
        details.setVisible(row != null);
        details.setManaged(row != null);
        if (row == null) {
            return;
        }
        detailUrl.textProperty().bind(row.publicUrlProperty());
        copyButton.setText(messages.get("tunnels.copy"));
        updateQr(row.publicUrlProperty().get());
        row.publicUrlProperty().addListener(urlListener);
        detailConnections.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> messages.get("tunnels.connections", row.connectionsProperty().get(),
                        Bytes.format(row.bytesInProperty().get()), Bytes.format(row.bytesOutProperty().get())),
                row.connectionsProperty(), row.bytesInProperty(), row.bytesOutProperty()));
        // Both counters change in one sample; drawing once per sample is enough.
        row.bytesInProperty().addListener(trafficListener);
        row.bytesOutProperty().addListener(trafficListener);
        drawTraffic(row);
    }

    private void updateQr(String url) {
        qrCode.setImage(url == null || url.isBlank() ? null : QrCode.image(url, 4));
    }

    private void drawTraffic(TunnelRow row) {
        if (model.selectedProperty().get() != row) {
            return;
        }
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        int i = 0;
        for (double v : row.traffic()) {
            series.getData().add(new XYChart.Data<>(i++, v / 1024.0));
        }
        trafficChart.getData().setAll(java.util.List.of(series));
    }

    public Parent root() {
        return root;
    }

    /** The on/off switch of a row; it asks the ViewModel, which asks the control plane. */
    private final class ToggleCell extends TableCell<TunnelRow, TunnelRow> {
        private final CheckBox box = new CheckBox();
        private final javafx.beans.value.ChangeListener<Boolean> follow = (o, was, now) -> box.setSelected(now);
        private TunnelRow bound;

        ToggleCell() {
            box.getStyleClass().add("tunnel-toggle");
            box.setOnAction(e -> {
                TunnelRow row = getItem();
                if (row != null) {
                    model.setEnabled(row, box.isSelected());
                }
            });
        }

        @Override
        protected void updateItem(TunnelRow row, boolean empty) {
            super.updateItem(row, empty);
            if (bound != null) {
                bound.enabledProperty().removeListener(follow);
                bound = null;
            }
            if (empty || row == null) {
                setGraphic(null);
                return;
            }
            bound = row;
            box.setId("toggle-" + row.name());
            box.setSelected(row.enabledProperty().get());
            row.enabledProperty().addListener(follow);
            setGraphic(box);
        }
    }

    /** The state in words, coloured by kind. */
    private static final class StateCell extends TableCell<TunnelRow, DisplayedState> {
        @Override
        protected void updateItem(DisplayedState state, boolean empty) {
            super.updateItem(state, empty);
            getStyleClass().removeIf(s -> s.startsWith("state-"));
            if (empty || state == null) {
                setText(null);
                return;
            }
            setText(state.text());
            getStyleClass().add("state-" + state.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
