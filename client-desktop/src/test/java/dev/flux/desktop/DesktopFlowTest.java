package dev.flux.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.Credentials;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.desktop.inspector.InspectorViewModel;
import dev.flux.desktop.login.LoginViewModel;
import dev.flux.desktop.tunnels.DisplayedState;
import dev.flux.desktop.tunnels.TunnelRow;
import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.framework.ControlPlaneClient;
import dev.flux.e2e.framework.ControlPlaneProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The app on a headless screen (Monocle) against a real control plane on its PostgreSQL and a real node it manages,
 * both processes: sign in with a token, expose a local web server, the URL appears and serves through the node,
 * fluxctl's admin API sees the tunnel, and switching it off stops the URL answering.
 */
class DesktopFlowTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static ControlPlaneProcess controlPlane;
    private static ControlPlaneClient admin;
    private static LocalWebServer web;
    private static NodeProcess node;
    private static int adminPort;
    private static javafx.application.Application app;
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void startStackAndApp() throws Exception {
        web = LocalWebServer.start();
        controlPlane = flux.startControlPlane(dir);
        admin = ControlPlaneClient.admin(controlPlane);
        // Under localhost, so the public URLs resolve here (to the loopback address) as they would for a real domain.
        node = flux.startNode(dir, controlPlane, admin.createNode("edge", "localhost"), "", "localhost");
        adminPort = Ports.free();
        System.setProperty("flux.desktop.configDir", dir.resolve("desktop-config").toString());
        System.setProperty("flux.desktop.adminPort", Integer.toString(adminPort));
        FxToolkit.registerPrimaryStage();
        app = FxToolkit.setupApplication(FluxDesktop::new);
    }

    @AfterAll
    static void stopApp() throws Exception {
        FxToolkit.cleanupApplication(app); // stops the agent and its admin API
        FxToolkit.cleanupStages();
        FxToolkit.cleanupStages();
        web.close();
    }

    @Test
    void signInExposeServeAndSwitchOff() throws Exception {
        ControlPlaneClient dora = admin.createUserAndSignIn("dora");

        // A wrong token is refused in plain words.
        robot.interact(() -> {
            robot.lookup("#server").queryAs(TextField.class).setText(controlPlane.url().toString());
            robot.lookup("#token").queryAs(TextField.class).setText("flx_not-a-token-of-this-control-plane");
        });
        robot.clickOn("#tokenButton");
        await("the refusal of a wrong token").atMost(Duration.ofSeconds(15))
                .until(() -> text("#loginError").startsWith("The control plane rejected the token"));

        Screenshots.take(robot, "login");
        robot.interact(() -> robot.lookup("#token").queryAs(TextField.class).setText(dora.token()));
        robot.clickOn("#tokenButton");
        await("the main window after signing in").atMost(Duration.ofSeconds(15))
                .until(() -> robot.lookup("#tunnelTable").tryQuery().isPresent());
        assertThat(text("#accountLabel")).isEqualTo("dora at " + controlPlane.url());

        // Nothing listens there: said before anything is created.
        robot.interact(() -> {
            ComboBox<?> port = robot.lookup("#exposePort").queryAs(ComboBox.class);
            port.getEditor().setText("1");
            robot.lookup("#exposeSubdomain").queryAs(TextField.class).setText("desk");
        });
        robot.clickOn("#exposeButton");
        assertThat(text("#exposeError")).isEqualTo("Nothing is listening on port 1 on this computer. Start your "
                + "service first.");

        robot.interact(() -> robot.lookup("#exposePort").queryAs(ComboBox.class).getEditor()
                .setText(Integer.toString(web.port())));
        robot.clickOn("#exposeButton");
        long created = System.nanoTime();
        await("the tunnel to be online with its URL").atMost(Duration.ofSeconds(10))
                .until(() -> row("desk") != null && row("desk").stateProperty().get() != null
                        && row("desk").stateProperty().get().kind() == DisplayedState.Kind.ONLINE);
        URI url = URI.create(row("desk").publicUrlProperty().get());
        System.out.println("desktop: tunnel online " + Duration.ofNanos(System.nanoTime() - created).toMillis()
                + " ms after Expose: " + url);
        assertThat(text("#detailUrl")).isEqualTo(url.toString());
        assertThat(status(url)).as("GET %s/info through the node", url).isEqualTo(200);
        if (System.getProperty("flux.desktop.screenshots") != null) {
            for (int i = 0; i < 12; i++) { // some traffic for the chart
                status(url);
                Thread.sleep(250);
            }
        }
        Screenshots.take(robot, "tunnels");
        robot.clickOn("#logsTab");
        Screenshots.take(robot, "logs");
        // The request through the node is in the inspector; Replay sends it to the local server again.
        robot.clickOn("#inspectorTab");
        await("the request through the node in the inspector").atMost(Duration.ofSeconds(5))
                .until(() -> inspectorLine("/info", "") != null);
        InspectorViewModel.RequestLine served = inspectorLine("/info", "");
        assertThat(served.tunnel()).isEqualTo("desk");
        assertThat(served.method()).isEqualTo("GET");
        assertThat(served.status()).isEqualTo(200);
        int reachedBefore = web.requests("/info");
        robot.interact(() -> inspectorTable().getSelectionModel().select(served));
        await("the request in full").atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup("#inspectorRequestText").queryAs(TextArea.class).getText()
                        .startsWith("GET /info"));
        robot.clickOn("#inspectorReplay");
        await("the replay to reach the local server").atMost(Duration.ofSeconds(5))
                .until(() -> web.requests("/info") == reachedBefore + 1);
        await("the replay in the list").atMost(Duration.ofSeconds(5))
                .until(() -> inspectorLine("/info", "replay of #" + served.id()) != null);
        assertThat(text("#inspectorReplayResult")).matches("Replayed as #\\d+: 200 in \\d+ ms\\.");
        // Edit and replay: another method, path and body reach the local server.
        robot.interact(() -> {
            robot.lookup("#inspectorEditMethod").queryAs(TextField.class).setText("POST");
            robot.lookup("#inspectorEditPath").queryAs(TextField.class).setText("/edited?x=1");
            robot.lookup("#inspectorEditBody").queryAs(TextArea.class).setText("{\"edited\":true}");
            robot.lookup("#inspectorEditReplay").queryAs(javafx.scene.control.Button.class).fire();
        });
        await("the edited replay to reach the local server").atMost(Duration.ofSeconds(5))
                .until(() -> web.requests("/edited") == 1 && inspectorLine("/edited?x=1", "replay of #"
                        + served.id()) != null);
        assertThat(inspectorLine("/edited?x=1", "replay of #" + served.id()).method()).isEqualTo("POST");
        // WeChat mode set on the screen; a signed message through the node is listed with its badge.
        await("the agent's HTTP tunnels offered for WeChat mode").atMost(Duration.ofSeconds(5))
                .until(() -> robot.lookup("#wechatTunnel").queryAs(ComboBox.class).getItems().contains("desk"));
        robot.interact(() -> {
            robot.lookup("#wechatTunnel").queryAs(ComboBox.class).getEditor().setText("desk");
            robot.lookup("#wechatToken").queryAs(TextField.class).setText("myToken123");
            robot.lookup("#wechatSave").queryAs(javafx.scene.control.Button.class).fire();
        });
        await("WeChat mode on").atMost(Duration.ofSeconds(5))
                .until(() -> "WeChat mode is on for tunnel desk.".equals(text("#wechatResult")));
        assertThat(java.nio.file.Files.readString(dir.resolve("desktop-config/wechat.properties")))
                .as("WeChat mode kept for the next start").contains("desk.token=myToken123");
        String wechatTarget = "/wx?signature=" + WeChatSignature.sign("myToken123", "1714036504", "42")
                + "&timestamp=1714036504&nonce=42";
        byte[] xml = ("<xml><ToUserName>gh_1</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1714036504"
                + "</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RawHttpResponse r = new RawHttpClient(url.getPort()).send(RawHttpRequest.post(url.getHost(),
                wechatTarget, new java.io.ByteArrayInputStream(xml), xml.length,
                RawHttpRequest.Framing.CONTENT_LENGTH).header("Content-Type", "text/xml"))) {
            assertThat(r.status()).isEqualTo(200);
        }
        await("the WeChat message in the inspector with its badge").atMost(Duration.ofSeconds(5))
                .until(() -> inspectorLine(wechatTarget, "WeChat message · signature valid") != null);
        // "Send test message": made and signed as WeChat would, sent to the tunnel's public URL, answered by the
        // local server, and listed in the inspector with a valid signature.
        robot.interact(() -> {
            robot.lookup("#wechatTestPath").queryAs(TextField.class).setText("/wx-test");
            robot.lookup("#wechatTestContent").queryAs(TextField.class).setText("from the app");
            robot.lookup("#wechatSend").queryAs(javafx.scene.control.Button.class).fire();
        });
        await("the test message answered").atMost(Duration.ofSeconds(10))
                .until(() -> !text("#wechatResult").isEmpty() || !text("#wechatError").isEmpty());
        assertThat(text("#wechatError")).isEmpty();
        assertThat(text("#wechatResult")).startsWith("Your server answered 200 in ");
        assertThat(text("#wechatResult")).endsWith(": {\"path\":\"/wx-test\"}");
        assertThat(web.requests("/wx-test")).isEqualTo(1);
        await("the test message in the inspector with its badge").atMost(Duration.ofSeconds(5))
                .until(() -> inspectorTable().getItems().stream().anyMatch(r -> r.path().startsWith("/wx-test?")
                        && r.wechat().equals("WeChat message · signature valid")));
        Screenshots.take(robot, "inspector");
        robot.clickOn("#settingsTab");
        Screenshots.take(robot, "settings");
        robot.interact(() -> robot.lookup("#settingsTheme").queryAs(javafx.scene.control.ChoiceBox.class)
                .setValue("dark"));
        robot.interact(() -> robot.lookup("#settingsLanguage").queryAs(javafx.scene.control.ChoiceBox.class)
                .setValue(java.util.Locale.SIMPLIFIED_CHINESE));
        robot.clickOn("#settingsApply");
        await().atMost(Duration.ofSeconds(5)).until(() -> robot.lookup("#tunnelTable").tryQuery().isPresent()
                && robot.lookup("#tunnelTable").queryAs(TableView.class).getItems().size() == 1);
        robot.interact(() -> robot.lookup("#tunnelTable").queryAs(TableView.class).getSelectionModel().select(0));
        // The language applies at once: the screens are rebuilt in Chinese, the agent runs on.
        await("the tunnel's state in Chinese").atMost(Duration.ofSeconds(5))
                .until(() -> "在线".equals(row("desk").stateProperty().get().text()));
        assertThat(robot.lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class).getTabs().get(0).getText())
                .isEqualTo("隧道");
        assertThat(robot.lookup(".tab-pane").query().getScene().getStylesheets()).anyMatch(
                css -> css.endsWith("theme/dark.css"));
        if (System.getProperty("flux.desktop.screenshots") != null) {
            Thread.sleep(1500); // a traffic sample or two for the chart
        }
        Screenshots.take(robot, "dark-zh");
        robot.clickOn("#settingsTab");
        robot.interact(() -> robot.lookup("#settingsTheme").queryAs(javafx.scene.control.ChoiceBox.class)
                .setValue("light"));
        robot.interact(() -> robot.lookup("#settingsLanguage").queryAs(javafx.scene.control.ChoiceBox.class)
                .setValue(java.util.Locale.ENGLISH));
        robot.clickOn("#settingsApply");
        await().atMost(Duration.ofSeconds(5)).until(() -> robot.lookup("#tunnelTable").tryQuery().isPresent()
                && robot.lookup("#tunnelTable").queryAs(TableView.class).getItems().size() == 1);
        assertThat(text("#accountLabel")).isEqualTo("dora at " + controlPlane.url());
        await("the tunnel's state in English again").atMost(Duration.ofSeconds(5))
                .until(() -> "online".equals(row("desk").stateProperty().get().text()));
        // The screens were rebuilt: the form starts empty again.
        robot.interact(() -> robot.lookup("#exposePort").queryAs(ComboBox.class).getEditor()
                .setText(Integer.toString(web.port())));

        // fluxctl on this machine sees the same agent.
        HttpResponse<String> local = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/api/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(local.body()).contains("\"name\":\"desk\"").contains("\"state\":\"ready\"");

        // The node goes down: the row says when the agent tries again; the tunnel comes back on the same URL.
        node.kill();
        await("the tunnel to show when the agent reconnects").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> row("desk").stateProperty().get().text().matches("reconnecting in \\d+ s"));
        assertThat(row("desk").stateProperty().get().kind()).isEqualTo(DisplayedState.Kind.RECONNECTING);
        node.restart();
        await("the tunnel to be online again after the node restarted").atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> row("desk").stateProperty().get().kind() == DisplayedState.Kind.ONLINE
                        && status(url) == 200);
        assertThat(row("desk").publicUrlProperty().get()).isEqualTo(url.toString());

        // The same subdomain again: the control plane's refusal, inline, in its words.
        robot.interact(() -> robot.lookup("#exposeSubdomain").queryAs(TextField.class).setText("desk"));
        robot.clickOn("#exposeButton");
        await("the refusal of a taken subdomain").atMost(Duration.ofSeconds(10))
                .until(() -> !text("#exposeError").isEmpty());
        assertThat(text("#exposeError")).contains("'desk'").doesNotContain("Exception");

        robot.clickOn("#toggle-desk");
        await("the URL to stop answering after switching the tunnel off").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> status(url) != 200);
        await("the tunnel to show as off").atMost(Duration.ofSeconds(5))
                .until(() -> row("desk").stateProperty().get().kind() == DisplayedState.Kind.OFF);
        assertThat(robot.lookup("#toggle-desk").queryAs(CheckBox.class).isSelected()).isFalse();

        // The token is revoked in the control plane: the app goes back to signing in and says why.
        admin.delete("/api/v1/tokens/" + dora.tokenId());
        await("the sign-in screen after the token was revoked").atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> robot.lookup("#loginError").tryQuery().isPresent());
        assertThat(text("#loginError")).startsWith("The control plane rejected the token").endsWith("Sign in again.");
    }

    @Test
    void signInThroughTheBrowserWithTheDeviceFlow() throws Exception {
        admin.createUserAndSignIn("erin");
        List<String> opened = new CopyOnWriteArrayList<>();
        DesktopContext context = TestContexts.create(dir.resolve("erin"), opened);
        AtomicReference<Credentials> signedIn = new AtomicReference<>();
        LoginViewModel model = new LoginViewModel(context, new Messages(Locale.ENGLISH), signedIn::set);
        model.serverProperty().set(controlPlane.url().toString());
        try {
            model.signInWithBrowser();
            await("the approval page to be opened").atMost(Duration.ofSeconds(10)).until(() -> !opened.isEmpty());
            String code = model.userCodeProperty().get();
            assertThat(opened.get(0)).startsWith(controlPlane.url().toString()).contains(code);
            assertThat(model.progressProperty().get()).contains(code);

            WebApproval browser = new WebApproval(controlPlane.url());
            browser.signIn("erin", "erin-chosen-password");
            assertThat(browser.approve(code)).contains("is signed in as erin");
            await("the app to notice the approval").atMost(Duration.ofSeconds(15))
                    .until(() -> signedIn.get() != null);
            assertThat(signedIn.get().username()).isEqualTo("erin");
            assertThat(signedIn.get().token()).startsWith("flx_");
            assertThat(context.credentials().load()).contains(signedIn.get());
            assertThat(model.errorProperty().get()).isEmpty();
            assertThat(model.busyProperty().get()).isFalse();
        } finally {
            context.tasks().close();
        }
    }

    private String text(String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @SuppressWarnings("unchecked")
    private TunnelRow row(String name) {
        TableView<TunnelRow> table = robot.lookup("#tunnelTable").queryAs(TableView.class);
        return table.getItems().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private TableView<InspectorViewModel.RequestLine> inspectorTable() {
        return robot.lookup("#inspectorRequests").queryAs(TableView.class);
    }

    private InspectorViewModel.RequestLine inspectorLine(String path, String notes) {
        return inspectorTable().getItems().stream().filter(r -> r.path().equals(path) && r.wechat().equals(notes))
                .findFirst().orElse(null);
    }

    private static int status(URI url) {
        try (RawHttpResponse response = new RawHttpClient(url.getPort())
                .send(RawHttpRequest.get(url.getHost(), "/info"))) {
            return response.status();
        } catch (Exception e) {
            return -1;
        }
    }
}
