package dev.flux.desktop.expose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.NewTunnelRequest;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExposeViewModelTest {

    @TempDir
    Path dir;

    private DesktopContext context;

    @AfterEach
    void close() {
        if (context != null) {
            context.tasks().close();
        }
    }

    private ExposeViewModel model(ListeningPorts ports) {
        context = TestContexts.create(dir);
        return new ExposeViewModel(context, new Messages(Locale.ENGLISH), ports, t -> { });
    }

    @Test
    void theFormNamesWhatIsWrong() {
        ExposeViewModel model = model(new ListeningPorts(dir.resolve("none")));
        model.portProperty().set("");
        assertThat(model.validate()).isNull();
        assertThat(model.errorProperty().get()).isEqualTo("Choose or type the local port to expose.");
        model.portProperty().set("70000");
        assertThat(model.validate()).isNull();
        assertThat(model.errorProperty().get()).isEqualTo("'70000' is not a port: enter a number from 1 to 65535.");
        model.portProperty().set("8080");
        model.subdomainProperty().set("Not_A_Label");
        assertThat(model.validate()).isNull();
        assertThat(model.errorProperty().get()).isEqualTo("'Not_A_Label' is not a subdomain: use lower-case "
                + "letters, digits and dashes.");
        model.typeProperty().set("tcp");
        model.subdomainProperty().set("wx");
        assertThat(model.validate()).isNull();
        assertThat(model.errorProperty().get()).startsWith("A subdomain is for HTTP tunnels");

        model.subdomainProperty().set("");
        assertThat(model.validate()).isEqualTo(new NewTunnelRequest("tcp-8080", "tcp", "localhost:8080", null, null,
                null, null));
        model.typeProperty().set("http");
        model.subdomainProperty().set("wx");
        assertThat(model.validate()).isEqualTo(new NewTunnelRequest("wx", "http", "localhost:8080", "wx", null,
                null, null));
        assertThat(model.errorProperty().get()).isEmpty();
    }

    @Test
    void aPortNothingListensOnIsRefusedAndAListeningOneOffered() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExposeViewModel model = model(ListeningPorts.system());
            model.scanPorts();
            await().atMost(Duration.ofSeconds(5)).until(() -> model.ports().contains(server.getLocalPort()));
            assertThat(model.portsKnownProperty().get()).isTrue();
            int idle = freePortNobodyListensOn();
            model.portProperty().set(Integer.toString(idle));
            assertThat(model.validate()).isNull();
            assertThat(model.errorProperty().get()).isEqualTo("Nothing is listening on port " + idle
                    + " on this computer. Start your service first.");
            model.portProperty().set(Integer.toString(server.getLocalPort()));
            assertThat(model.validate()).isNotNull();
        }
    }

    @Test
    void withoutProcNetAnyPortMayBeTyped() {
        ExposeViewModel model = model(new ListeningPorts(dir.resolve("no-proc")));
        assertThat(new ListeningPorts(dir.resolve("no-proc")).read()).isEmpty();
        model.scanPorts();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.portsKnownProperty().get());
        model.portProperty().set("8080");
        assertThat(model.validate()).isNotNull();
    }

    @Test
    void procNetTablesAreRead() throws IOException {
        Path net = Files.createDirectories(dir.resolve("net"));
        Files.writeString(net.resolve("tcp"), """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
                   1: 0100007F:0016 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 2 1
                """);
        Files.writeString(net.resolve("tcp6"), """
                  sl  local_address                         remote_address                        st
                   0: 00000000000000000000000000000000:0FA0 00000000000000000000000000000000:0000 0A
                """);
        assertThat(new ListeningPorts(net).read()).isEqualTo(Optional.of(List.of(4000, 8080)));
        TreeSet<Integer> ports = new TreeSet<>();
        ListeningPorts.parse("garbage", ports);
        assertThat(ports).isEmpty();
    }

    @Test
    void withoutALoginTheAppSaysSignInFirst() throws IOException {
        ExposeViewModel model = model(new ListeningPorts(dir.resolve("no-proc")));
        model.portProperty().set("8080");
        model.expose();
        assertThat(model.errorProperty().get()).isEqualTo("Sign in first.");
    }

    private static int freePortNobodyListensOn() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
