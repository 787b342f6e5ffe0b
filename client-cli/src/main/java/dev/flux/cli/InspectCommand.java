package dev.flux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.inspect.InspectorClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fluxctl inspect}: the HTTP requests the running agent captured, as lines or JSON, optionally live. */
@Command(name = "inspect", description = {
    "Show the HTTP requests your http tunnels served, as the running agent captured them (also at",
    "http://127.0.0.1:4040/). One line each: ID TIME [TUNNEL] METHOD PATH STATUS DURATION.",
    "With an ID, that request's headers and bodies; with --replay, send it to the local service again."})
final class InspectCommand implements Callable<Integer> {

    /** The formats of {@code --output}. */
    enum Format { text, json }

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "Show one request in full.")
    Long id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new requests until Ctrl-C.")
    boolean follow;

    @Option(names = "--tunnel", paramLabel = "NAME", description = "Only this tunnel's requests.")
    String tunnel;

    @Option(names = "--replay", description = "Replay the request ID to the local service and show the result.")
    boolean replay;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}); json with --follow prints one object a line.")
    Format output;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the running agent's local admin API (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Override
    public Integer call() throws Exception {
        UpCommand.checkAdminPort(spec, adminPort);
        InspectorClient client = new InspectorClient(adminPort);
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (id != null) {
                JsonNode detail = replay ? client.replay(id, null) : client.request(id);
                out.println(output == Format.json ? PRETTY.writeValueAsString(detail) : detail(detail));
                out.flush();
                return ExitCodes.OK;
            }
            if (replay) {
                throw new CliFailure(ExitCodes.USAGE, "--replay needs the ID of the request to replay, such as "
                        + "`fluxctl inspect 12 --replay`");
            }
            long after = 0;
            JsonNode list = client.requests(tunnel, after);
            if (output == Format.json && !follow) {
                out.println(PRETTY.writeValueAsString(list));
            } else {
                if (list.isEmpty() && !follow) {
                    out.println("no requests captured yet" + (tunnel == null ? "" : " for tunnel '" + tunnel + "'"));
                }
                after = print(out, list, after);
            }
            out.flush();
            while (follow && !Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    break; // Ctrl-C, or the caller stopping it: the lines printed so far are the output
                }
                after = print(out, client.requests(tunnel, after), after);
                out.flush();
            }
            return ExitCodes.OK;
        } catch (InspectorClient.InspectorException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, e.getMessage());
        }
    }

    private long print(PrintWriter out, JsonNode list, long after) throws Exception {
        for (JsonNode s : list) {
            out.println(output == Format.json ? JSON.writeValueAsString(s) : line(s));
            after = Math.max(after, s.get("id").asLong());
        }
        return after;
    }

    /** {@code 12 14:03:22 [wx] POST /wx?signature=… 200 35 ms  WeChat message, signature valid}. */
    static String line(JsonNode s) {
        String query = s.path("query").asText("");
        int status = s.path("status").asInt();
        StringBuilder line = new StringBuilder()
                .append(s.get("id").asLong()).append(' ')
                .append(TIME.format(Instant.parse(s.get("time").asText()))).append(" [")
                .append(s.get("tunnel").asText()).append("] ")
                .append(s.get("method").asText()).append(' ')
                .append(s.get("path").asText()).append(query.isEmpty() ? "" : "?" + query).append(' ')
                .append(status == 0 ? "-" : String.valueOf(status)).append(' ')
                .append(s.get("durationMillis").asLong()).append(" ms");
        if (s.hasNonNull("replayOf")) {
            line.append("  replay of ").append(s.get("replayOf").asLong());
        }
        JsonNode w = s.get("wechat");
        if (w != null) {
            line.append("  WeChat ").append(w.get("kind").asText()).append(", signature ")
                    .append(w.get("signatureValid").asBoolean() ? "valid" : "INVALID");
            if (w.path("delivery").asInt() > 1) {
                line.append(", retry ").append(w.get("delivery").asInt() - 1);
            }
            if (w.path("overDeadline").asBoolean()) {
                line.append(", over WeChat's 5 s");
            }
        }
        return line.toString();
    }

    static String detail(JsonNode d) {
        StringBuilder out = new StringBuilder(line(d)).append('\n');
        JsonNode w = d.get("wechat");
        if (w != null) {
            out.append("\nWeChat ").append(w.get("kind").asText()).append('\n');
            check(out, "signature", w.get("signature"));
            check(out, "msg_signature", w.get("msgSignature"));
            if (w.hasNonNull("error")) {
                out.append("  ").append(w.get("error").asText()).append('\n');
            }
            if (w.has("fields")) {
                w.get("fields").fields().forEachRemaining(f -> out.append("  ").append(f.getKey()).append(" = ")
                        .append(f.getValue().asText()).append('\n'));
            }
        }
        message(out, "Request", d.get("request"));
        message(out, "Response", d.get("response"));
        return out.toString().stripTrailing();
    }

    private static void check(StringBuilder out, String name, JsonNode c) {
        if (c == null) {
            return;
        }
        out.append("  ").append(name).append(": ").append(c.get("valid").asBoolean() ? "valid"
                : "invalid: " + c.path("reason").asText()).append('\n');
    }

    private static void message(StringBuilder out, String title, JsonNode m) {
        out.append('\n').append(title).append('\n');
        if (m == null || m.isNull()) {
            out.append("  (none)\n");
            return;
        }
        for (JsonNode h : m.get("headers")) {
            out.append(h.get("name").asText()).append(": ").append(h.get("value").asText()).append('\n');
        }
        JsonNode b = m.get("body");
        if (b.get("size").asLong() > 0) {
            out.append("\n(").append(b.get("kind").asText()).append(", ").append(b.get("size").asLong())
                    .append(" bytes");
            if (b.hasNonNull("encoding")) {
                out.append(", ").append(b.get("encoding").asText());
            }
            if (b.get("truncated").asBoolean()) {
                out.append(", only the first ").append(b.get("captured").asInt()).append(" kept");
            }
            out.append(")\n").append(b.get("text").asText()).append('\n');
        }
    }
}
