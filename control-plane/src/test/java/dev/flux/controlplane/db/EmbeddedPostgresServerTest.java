package dev.flux.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.controlplane.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The embedded server on its own: stop, start again on the same directory, the rows are still there. */
class EmbeddedPostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void dataSurvivesAStopAndAStart() {
        Path data = dir.resolve("data");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, Duration.ofSeconds(60), true)) {
            server.createDatabaseIfMissing("kept");
            assertThatThrownBy(() -> server.createDatabaseIfMissing("x; DROP DATABASE kept"))
                    .isInstanceOf(IllegalArgumentException.class);
            JdbcClient jdbc = jdbc(server);
            assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
            jdbc.sql("CREATE TABLE notes (text text)").update();
            jdbc.sql("INSERT INTO notes VALUES ('still here')").update();
        }
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, Duration.ofSeconds(60), true)) {
            server.createDatabaseIfMissing("kept"); // exists: nothing happens
            assertThat(jdbc(server).sql("SELECT text FROM notes").query(String.class).single())
                    .isEqualTo("still here");
        }
    }

    private static JdbcClient jdbc(EmbeddedPostgresServer server) {
        DataSource dataSource = TestPostgres.dataSource(server.jdbcUrl("kept"));
        return JdbcClient.create(dataSource);
    }
}
