package dev.flux.desktop.inspector;

import dev.flux.desktop.Messages;
import dev.flux.desktop.ViewLoader;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;

/**
 * The request inspector's screen: the requests as they come, the selected one in full with Replay, Edit and replay,
 * the WeChat mode of a tunnel with a test message, and the signature tester. Everything it shows and does goes
 * through {@link InspectorViewModel} and its {@link WeChatKitViewModel}.
 */
public final class InspectorView {

    private final InspectorViewModel model;
    private final Messages messages;
    private final Parent root;
    @FXML private TableView<InspectorViewModel.RequestLine> requests;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> timeColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> tunnelColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> methodColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> pathColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> statusColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> durationColumn;
    @FXML private TableColumn<InspectorViewModel.RequestLine, String> notesColumn;
    @FXML private Button replayButton;
    @FXML private Button editReplayButton;
    @FXML private Label replayResult;
    @FXML private Label error;
    @FXML private Label wechatText;
    @FXML private TextArea requestText;
    @FXML private TextArea responseText;
    @FXML private TextField editMethod;
    @FXML private TextField editPath;
    @FXML private TextArea editHeaders;
    @FXML private TextArea editBody;
    @FXML private Label editResult;
    @FXML private Label editError;
    @FXML private ComboBox<String> wechatTunnel;
    @FXML private TextField wechatToken;
    @FXML private TextField wechatAesKey;
    @FXML private TextField wechatAppId;
    @FXML private TextField testPath;
    @FXML private TextField testContent;
    @FXML private Label wechatResult;
    @FXML private Label wechatError;
    @FXML private TextField signToken;
    @FXML private TextField signTimestamp;
    @FXML private TextField signNonce;
    @FXML private TextField signSignature;
    @FXML private TextField signExpected;
    @FXML private Label signResult;
    @FXML private Button wechatSaveButton;
    @FXML private Button wechatOffButton;
    @FXML private Button wechatSendButton;

    public InspectorView(InspectorViewModel model, Messages messages) {
        this.model = model;
        this.messages = messages;
        this.root = ViewLoader.load(this, "Inspector.fxml", messages);
    }

    @FXML
    private void initialize() {
        requests.setItems(model.requests());
        column(timeColumn, InspectorViewModel.RequestLine::time);
        column(tunnelColumn, InspectorViewModel.RequestLine::tunnel);
        column(methodColumn, InspectorViewModel.RequestLine::method);
        column(pathColumn, InspectorViewModel.RequestLine::path);
        column(statusColumn, InspectorViewModel.RequestLine::statusText);
        column(durationColumn, r -> r.millis() + " ms");
        column(notesColumn, InspectorViewModel.RequestLine::wechat);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.when(model.availableProperty())
                .then(messages.get("inspector.empty")).otherwise(messages.get("inspector.unavailable")));
        placeholder.setWrapText(true);
        requests.setPlaceholder(placeholder);
        requests.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.select(now));

        replayButton.disableProperty().bind(model.selectedProperty().isNull().or(model.busyProperty()));
        editReplayButton.disableProperty().bind(replayButton.disableProperty());
        replayResult.textProperty().bind(model.replayResultProperty());
        editResult.textProperty().bind(model.replayResultProperty());
        error.textProperty().bind(model.errorProperty());
        editError.textProperty().bind(model.errorProperty());
        wechatText.textProperty().bind(model.wechatTextProperty());
        for (Label l : new Label[] {error, editError, wechatText, wechatError}) {
            l.managedProperty().bind(l.textProperty().isNotEmpty());
            l.visibleProperty().bind(l.managedProperty());
        }
        requestText.textProperty().bind(model.requestTextProperty());
        responseText.textProperty().bind(model.responseTextProperty());
        editMethod.textProperty().bindBidirectional(model.editMethodProperty());
        editPath.textProperty().bindBidirectional(model.editPathProperty());
        editHeaders.textProperty().bindBidirectional(model.editHeadersProperty());
        editBody.textProperty().bindBidirectional(model.editBodyProperty());

        WeChatKitViewModel kit = model.wechatKit();
        for (Button b : new Button[] {wechatSaveButton, wechatOffButton, wechatSendButton}) {
            b.disableProperty().bind(kit.busyProperty());
        }
        wechatTunnel.setItems(kit.httpTunnels());
        wechatTunnel.getEditor().textProperty().bindBidirectional(kit.wechatTunnelProperty());
        wechatTunnel.valueProperty().addListener((o, was, now) -> {
            if (now != null) {
                kit.wechatTunnelProperty().set(now);
            }
        });
        wechatToken.textProperty().bindBidirectional(kit.wechatTokenProperty());
        wechatAesKey.textProperty().bindBidirectional(kit.wechatAesKeyProperty());
        wechatAppId.textProperty().bindBidirectional(kit.wechatAppIdProperty());
        testPath.textProperty().bindBidirectional(kit.testPathProperty());
        testContent.textProperty().bindBidirectional(kit.testContentProperty());
        wechatResult.textProperty().bind(kit.wechatResultProperty());
        wechatError.textProperty().bind(kit.wechatErrorProperty());

        signToken.textProperty().bindBidirectional(kit.signTokenProperty());
        signTimestamp.textProperty().bindBidirectional(kit.signTimestampProperty());
        signNonce.textProperty().bindBidirectional(kit.signNonceProperty());
        signSignature.textProperty().bindBidirectional(kit.signSignatureProperty());
        signExpected.textProperty().bind(kit.signExpectedProperty());
        signResult.textProperty().bind(kit.signResultProperty());
        kit.signResultProperty().addListener((o, was, now) -> {
            signResult.getStyleClass().removeAll("sign-pass", "sign-fail");
            if (!now.isEmpty()) {
                signResult.getStyleClass().add(kit.signPassedProperty().get() ? "sign-pass" : "sign-fail");
            }
        });
    }

    private static void column(TableColumn<InspectorViewModel.RequestLine, String> column,
                               Function<InspectorViewModel.RequestLine, String> value) {
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
    }

    @FXML
    private void replay() {
        model.replay();
    }

    @FXML
    private void editAndReplay() {
        model.editAndReplay();
    }

    @FXML
    private void saveWeChat() {
        model.wechatKit().saveWeChat();
    }

    @FXML
    private void turnOffWeChat() {
        model.wechatKit().turnOffWeChat();
    }

    @FXML
    private void sendTestMessage() {
        model.wechatKit().sendTestMessage();
    }

    @FXML
    private void checkSignature() {
        model.wechatKit().checkSignature();
    }

    public Parent root() {
        return root;
    }
}
