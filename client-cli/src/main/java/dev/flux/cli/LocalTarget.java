package dev.flux.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The local service a tunnel forwards to, as typed: {@code 8080} (meaning localhost:8080) or {@code host:port}. */
final class LocalTarget {

    private LocalTarget() {
    }

    /** {@code host:port}; a bare port means {@code localhost}. */
    static String parse(CommandSpec spec, String value) {
        String host = "localhost";
        String port = value;
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "local target '" + value + "' has no host "
                        + "(expected: a port like 8080, or host:port like 192.168.1.10:8080)");
            }
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 65535) {
            throw new ParameterException(spec.commandLine(), "local target '" + value + "' has no valid port "
                    + "(expected: a port 1-65535 like 8080, or host:port like 192.168.1.10:8080)");
        }
        return host + ":" + n;
    }

    /** The port of a parsed target. */
    static int port(String target) {
        return Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    }
}
