package dev.flux.controlplane.db;

import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Which unique (or exclusion) constraint or index a {@link DataIntegrityViolationException} from PostgreSQL hit; a
 * {@link org.springframework.dao.DuplicateKeyException} is one.
 */
public final class UniqueViolations {

    private UniqueViolations() {
    }

    /** The constraint (or unique index) name PostgreSQL reported, if it did. */
    public static Optional<String> constraintOf(DataIntegrityViolationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql) {
                ServerErrorMessage message = psql.getServerErrorMessage();
                return Optional.ofNullable(message == null ? null : message.getConstraint());
            }
        }
        return Optional.empty();
    }
}
