package dev.flux.controlplane.device;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A device's request for a token, as the approval page shows it.
 *
 * @param userCode the code the user compares with what the device shows, 8 letters without the dash
 * @param status {@code pending}, {@code approved}, {@code denied} or {@code consumed}
 * @param userId who approved or denied it; null while pending
 */
public record DeviceRequest(
        long id,
        String userCode,
        String clientName,
        String status,
        @Nullable Long userId,
        Instant createdAt,
        Instant expiresAt,
        @Nullable Instant lastPolledAt) {

    /** The user code as shown: {@code ABCD-EFGH}. */
    public String displayCode() {
        return DeviceCodes.display(userCode);
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
