package dev.flux.controlplane.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.flux.controlplane.node.NodeScope;
import dev.flux.controlplane.node.PortRange;
import dev.flux.controlplane.testing.TestPostgres;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The reservations table and its repository against real PostgreSQL: the unique index decides every race. */
class ReservationRepositoryTest {

    private static HikariDataSource dataSource;
    private static JdbcClient jdbc;
    private static ReservationRepository reservations;
    private static long alice;
    private static long bob;

    @BeforeAll
    static void migrate() {
        String url = TestPostgres.newDatabase("reservation_repository");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(TestPostgres.USER);
        dataSource.setMaximumPoolSize(16);
        // every migration applies to an empty database
        Flyway flyway = Flyway.configure().dataSource(dataSource).load();
        int pending = flyway.info().pending().length;
        assertThat(pending).isGreaterThanOrEqualTo(3);
        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(pending);
        jdbc = JdbcClient.create(dataSource);
        reservations = new ReservationRepository(jdbc);
        alice = user("alice");
        bob = user("bob");
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @Test
    void anAddressHasOneHolder() {
        assertThat(reservations.insertIfFree(alice, ReservationKind.SUBDOMAIN, "wx", null, null)).isPresent();

        assertThat(reservations.insertIfFree(bob, ReservationKind.SUBDOMAIN, "wx", null, null)).isEmpty();
        assertThat(reservations.insertIfFree(alice, ReservationKind.SUBDOMAIN, "wx", null, null)).isEmpty();
        assertThat(reservations.findHolder(ReservationKind.SUBDOMAIN, "wx", null))
                .map(Reservation::username).contains("alice");
        // the same value of another kind is another address
        assertThat(reservations.insertIfFree(bob, ReservationKind.DOMAIN, "wx", null, null)).isPresent();
    }

    @Test
    void portsBelongToANode() {
        long eu = node("eu"); // nodes are created with the default port range
        long us = node("us");
        long carol = user("carol");
        long dave = user("dave");

        assertThat(reservations.insertIfFree(carol, ReservationKind.TCP_PORT, "20022", eu, null)).isPresent();
        assertThat(reservations.insertIfFree(dave, ReservationKind.TCP_PORT, "20022", us, null)).isPresent();
        assertThat(reservations.insertIfFree(dave, ReservationKind.UDP_PORT, "20022", eu, null)).isPresent();
        assertThat(reservations.insertIfFree(dave, ReservationKind.TCP_PORT, "20022", eu, null)).isEmpty();
        // the default scope (no node) is a scope of its own, and unique too
        assertThat(reservations.insertIfFree(carol, ReservationKind.TCP_PORT, "20022", null, null)).isPresent();
        assertThat(reservations.insertIfFree(dave, ReservationKind.TCP_PORT, "20022", null, null)).isEmpty();
        assertThat(reservations.countPorts(dave)).isEqualTo(2);
    }

    @Test
    void fiveHundredParallelPortAllocationsGetDistinctPorts() throws Exception {
        NodeScope scope = new NodeScope(null, null, new PortRange(40000, 49999));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> allocations = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                long user = i % 2 == 0 ? alice : bob;
                allocations.add(pool.submit(() -> allocate(user, scope)));
            }
            Set<String> ports = new HashSet<>();
            for (Future<String> allocation : allocations) {
                ports.add(allocation.get());
            }
            assertThat(ports).hasSize(500);
            assertThat(jdbc.sql("SELECT count(*) FROM reservations WHERE kind = 'udp_port' AND node_id IS NULL")
                    .query(Integer.class).single()).isEqualTo(500);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullRangeHasNoFreePort() {
        NodeScope tiny = new NodeScope(null, null, new PortRange(30000, 30002));
        for (int i = 0; i < 3; i++) {
            assertThat(allocate(alice, tiny)).isNotNull();
        }

        assertThat(reservations.insertRandomFreePort(bob, ReservationKind.UDP_PORT, tiny, null)).isEmpty();
        assertThat(reservations.hasFreePort(ReservationKind.UDP_PORT, tiny)).isFalse();
    }

    /** Allocates like {@link AddressClaims}: a lost race means another pick. */
    private static String allocate(long user, NodeScope scope) {
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<Reservation> port = reservations.insertRandomFreePort(user, ReservationKind.UDP_PORT, scope, null);
            if (port.isPresent()) {
                return port.get().value();
            }
        }
        throw new AssertionError("no port after 50 attempts");
    }

    private static long user(String name) {
        return jdbc.sql("""
                        INSERT INTO users (username, password_hash, role, max_tunnels, max_ports)
                        VALUES (:name, '{noop}x', 'user', 10, 1000) RETURNING id""")
                .param("name", name).query(Long.class).single();
    }

    private static long node(String name) {
        return jdbc.sql("""
                        INSERT INTO nodes (name, public_host, credential_hash)
                        VALUES (:name, :name || '.example.com', 'sha256:' || :name) RETURNING id""")
                .param("name", name).query(Long.class).single();
    }
}
