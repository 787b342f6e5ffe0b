package dev.flux.controlplane.security;

import dev.flux.controlplane.db.Rows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The lock-out of password sign-ins: {@value #MAX_FAILURES} failed sign-ins of one username within
 * {@link #WINDOW} lock that username for {@link #WINDOW} after the last of them. Counted in the database
 * ({@code sign_in_failures}), so that every replica of the control plane sees the same count. Attempts while
 * locked are refused without looking at the password and do not extend the lock.
 */
@Repository
public class SignInThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final JdbcClient jdbc;
    private final Clock clock;

    SignInThrottle(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    /** When the username is locked: the instant it may try again. */
    public Optional<Instant> lockedUntil(String username) {
        Instant now = clock.instant();
        record Failures(int count, @Nullable Instant last) {
        }
        Failures failures = jdbc.sql("""
                        SELECT count(*) AS n, max(at) AS last FROM sign_in_failures
                        WHERE username = :username AND at > :since""")
                .param("username", username)
                .param("since", Rows.param(now.minus(WINDOW)))
                .query((rs, row) -> new Failures(rs.getInt("n"), Rows.instant(rs, "last")))
                .single();
        if (failures.count() < MAX_FAILURES || failures.last() == null) {
            return Optional.empty();
        }
        Instant until = failures.last().plus(WINDOW);
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }

    /** Counts a failed sign-in; returns the lock it started, if it was the one too many. */
    public Optional<Instant> recordFailure(String username) {
        jdbc.sql("DELETE FROM sign_in_failures WHERE at < :before")
                .param("before", Rows.param(clock.instant().minus(WINDOW)))
                .update();
        jdbc.sql("INSERT INTO sign_in_failures (username, at) VALUES (:username, :at)")
                .param("username", username)
                .param("at", Rows.param(clock.instant()))
                .update();
        return lockedUntil(username);
    }

    /** Forgets the failures of a username that has just signed in. */
    public void recordSuccess(String username) {
        jdbc.sql("DELETE FROM sign_in_failures WHERE username = :username").param("username", username).update();
    }

    /** The sentence a locked-out user reads. */
    public static String lockedMessage(String username, Instant until) {
        return "too many failed sign-ins for '" + username + "': the account is locked; try again after "
                + TIME.format(until);
    }
}
