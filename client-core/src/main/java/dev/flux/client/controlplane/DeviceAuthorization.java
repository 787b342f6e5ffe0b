package dev.flux.client.controlplane;

/**
 * The start of a device login ({@code POST /api/v1/device/authorize}): the user approves {@code userCode} at
 * {@code verificationUri} while the client polls with {@code deviceCode} every {@code interval} seconds.
 */
public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
                                  String verificationUriComplete, int expiresIn, int interval) {
}
