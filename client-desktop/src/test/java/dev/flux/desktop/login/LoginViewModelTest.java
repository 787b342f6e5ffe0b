package dev.flux.desktop.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.Credentials;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginViewModelTest {

    @TempDir
    Path dir;

    private DesktopContext context;
    private final AtomicReference<Credentials> signedIn = new AtomicReference<>();

    @AfterEach
    void close() {
        context.tasks().close();
    }

    private LoginViewModel model(Locale locale) {
        context = TestContexts.create(dir);
        return new LoginViewModel(context, new Messages(locale), signedIn::set);
    }

    @Test
    void malformedServerAndTokenAreNamed() {
        LoginViewModel model = model(Locale.ENGLISH);
        model.serverProperty().set("ftp://cp");
        model.tokenProperty().set("flx_x");
        model.signInWithToken();
        assertThat(model.errorProperty().get()).isEqualTo("'ftp://cp' is not a control plane URL: it must start "
                + "with http:// or https:// and name a host.");

        model.serverProperty().set("http://127.0.0.1:8443");
        model.tokenProperty().set("abc");
        model.signInWithToken();
        assertThat(model.errorProperty().get()).isEqualTo("This is not a FLUX API token: tokens start with flx_.");
        model.tokenProperty().set(" ");
        model.signInWithToken();
        assertThat(model.errorProperty().get()).startsWith("Paste an API token");
        assertThat(model.busyProperty().get()).isFalse();
    }

    @Test
    void anUnreachableControlPlaneIsSaidInPlainWordsAndNothingIsSaved() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        LoginViewModel model = model(Locale.SIMPLIFIED_CHINESE);
        model.serverProperty().set("http://127.0.0.1:" + closed);
        model.tokenProperty().set("flx_abc");
        model.signInWithToken();
        await().atMost(Duration.ofSeconds(10)).until(() -> !model.busyProperty().get());
        assertThat(model.errorProperty().get()).isEqualTo("无法连接控制面：cannot reach the control plane at "
                + "http://127.0.0.1:" + closed + ": connection refused。请检查地址以及控制面是否在运行。");
        assertThat(signedIn.get()).isNull();
        assertThat(context.credentials().load()).isEmpty();
    }
}
