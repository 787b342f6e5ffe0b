package dev.flux.controlplane.reservation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.flux.controlplane.api.ApiException;
import dev.flux.protocol.config.DnsNames;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What can be reserved, stored as {@link #id()} in {@code reservations.kind}. */
public enum ReservationKind {
    SUBDOMAIN("subdomain"),
    DOMAIN("domain"),
    TCP_PORT("TCP port"),
    UDP_PORT("UDP port");

    private final String noun;

    ReservationKind(String noun) {
        this.noun = noun;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ReservationKind of(String id) {
        return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("kind '" + id + "' does not exist (expected one of: "
                        + Arrays.stream(values()).map(ReservationKind::id).collect(Collectors.joining(", ")) + ")"));
    }

    public boolean isPort() {
        return this == TCP_PORT || this == UDP_PORT;
    }

    /**
     * The stored form of a value of this kind: a lower-case DNS label, a lower-case host name, or a port number.
     *
     * @throws ApiException 400 when the value is not one
     */
    public String normalize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        boolean valid = switch (this) {
            case SUBDOMAIN -> DnsNames.isLowerCaseLabel(v);
            case DOMAIN -> DnsNames.isHostName(v) && v.contains(".");
            case TCP_PORT, UDP_PORT -> v.matches("[1-9][0-9]{0,4}") && Integer.parseInt(v) <= 65535;
        };
        if (!valid) {
            throw ApiException.badRequest("'" + value + "' is not a valid " + noun + switch (this) {
                case SUBDOMAIN -> " (expected: 1-63 lower-case letters, digits or '-', no '-' at either end)";
                case DOMAIN -> " (expected: a host name such as tunnel.example.com)";
                case TCP_PORT, UDP_PORT -> " (expected: 1-65535)";
            });
        }
        return v;
    }

    /** How messages name a value of this kind, e.g. {@code subdomain 'wx'} or {@code TCP port 6022}. */
    public String describe(String value) {
        return isPort() ? noun + " " + value : noun + " '" + value + "'";
    }
}
