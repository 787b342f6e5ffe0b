package dev.flux.desktop.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.TestContexts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsViewModelTest {

    @TempDir
    Path dir;

    @Test
    void earlierAndNewEventsAreListedWithWarningsMarked() {
        DesktopContext context = TestContexts.create(dir);
        try {
            context.events().add(false, "connected to node 127.0.0.1:7000");
            LogsViewModel model = new LogsViewModel(context);
            context.events().add(true, "[web] tunnel rejected: subdomain 'web' is taken");
            assertThat(model.lines()).hasSize(2);
            assertThat(model.lines().get(0)).matches("\\d\\d:\\d\\d:\\d\\d    connected to node 127.0.0.1:7000");
            assertThat(model.lines().get(1)).endsWith("  ! [web] tunnel rejected: subdomain 'web' is taken");
        } finally {
            context.tasks().close();
        }
    }
}
