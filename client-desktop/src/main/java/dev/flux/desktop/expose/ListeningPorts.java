package dev.flux.desktop.expose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The TCP ports something listens on on this computer, from Linux's {@code /proc/net/tcp} and {@code /proc/net/tcp6}
 * (sockets in state {@code 0A}, LISTEN). Elsewhere there is no such file and the screen offers a text field only.
 */
public final class ListeningPorts {

    private static final String LISTEN = "0A";

    private final List<Path> tables;

    public ListeningPorts(Path procNet) {
        this.tables = List.of(procNet.resolve("tcp"), procNet.resolve("tcp6"));
    }

    /** This computer's tables. */
    public static ListeningPorts system() {
        return new ListeningPorts(Path.of("/proc/net"));
    }

    /** The listening ports, sorted; empty when this system has no {@code /proc/net/tcp} to read. */
    public Optional<List<Integer>> read() {
        TreeSet<Integer> ports = new TreeSet<>();
        boolean any = false;
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                continue;
            }
            any = true;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                parse(line, ports);
            }
        }
        return any ? Optional.of(List.copyOf(ports)) : Optional.empty();
    }

    /**
     * One line: {@code sl local_address rem_address st ...}, e.g.
     * {@code 0: 0100007F:1F90 00000000:0000 0A ...}: the port is the hex after the colon of the local address.
     */
    static void parse(String line, TreeSet<Integer> ports) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !LISTEN.equals(f[3])) {
            return;
        }
        int colon = f[1].lastIndexOf(':');
        if (colon < 0) {
            return;
        }
        try {
            ports.add(Integer.parseInt(f[1].substring(colon + 1), 16));
        } catch (NumberFormatException e) {
            // not a table line
        }
    }
}
