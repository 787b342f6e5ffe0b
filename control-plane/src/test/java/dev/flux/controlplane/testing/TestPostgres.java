package dev.flux.controlplane.testing;

import dev.flux.controlplane.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL per test JVM (started on first use, stopped when the JVM exits), and a fresh database in it
 * for every test class that asks, so that classes do not see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgresServer server;

    private TestPostgres() {
    }

    /** Creates an empty database and returns its JDBC URL (connect as {@link #USER}, no password). */
    public static synchronized String newDatabase(String purpose) {
        String name = purpose.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + DATABASES.incrementAndGet();
        server().createDatabaseIfMissing(name);
        return server().jdbcUrl(name);
    }

    /** A data source for a JDBC URL from {@link #newDatabase}. */
    public static DataSource dataSource(String jdbcUrl) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl);
        dataSource.setUser(USER);
        return dataSource;
    }

    public static final String USER = EmbeddedPostgresServer.SUPERUSER;

    private static EmbeddedPostgresServer server() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("flux-test-postgres");
                server = EmbeddedPostgresServer.start(dir.resolve("data"), 0, Duration.ofSeconds(60), false);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    delete(dir);
                }, "test-postgres-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** Deletes a directory tree, best effort. */
    public static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what is left, the OS cleans up
        }
    }
}
