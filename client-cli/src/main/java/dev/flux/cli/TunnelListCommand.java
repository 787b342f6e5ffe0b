package dev.flux.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.controlplane.RemoteTunnel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fluxctl tunnel list}: the login's tunnels as a table or JSON. */
@Command(name = "list", aliases = "ls", description = "List your tunnels with their state, URL and traffic.")
final class TunnelListCommand implements Callable<Integer> {

    /** The formats of {@code --output}. */
    enum Format { table, json }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Override
    public Integer call() throws JsonProcessingException {
        List<RemoteTunnel> tunnels = TunnelCommand.client(configDir.require()).tunnels();
        PrintWriter out = spec.commandLine().getOut();
        if (output == Format.json) {
            out.println(JSON.writeValueAsString(tunnels));
        } else if (tunnels.isEmpty()) {
            out.println("no tunnels yet: add one with `fluxctl tunnel add http 8080`");
        } else {
            table(tunnels).forEach(out::println);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static List<String> table(List<RemoteTunnel> tunnels) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "TYPE", "GROUP", "STATE", "PUBLIC URL", "LOCAL TARGET", "TRAFFIC 24H"});
        for (RemoteTunnel t : tunnels) {
            long traffic = (t.bytesIn() == null ? 0 : t.bytesIn()) + (t.bytesOut() == null ? 0 : t.bytesOut());
            rows.add(new String[] {t.name(), t.type(), t.group() == null ? "-" : t.group(), t.isEnabled() ? String.valueOf(t.state()) : "disabled",
                t.publicUrl() == null ? "-" : t.publicUrl(), t.localTarget(), StatusBlock.bytes(traffic)});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
