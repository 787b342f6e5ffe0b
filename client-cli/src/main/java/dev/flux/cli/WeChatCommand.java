package dev.flux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.inspect.InspectorClient;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.client.wechat.WeChatSignature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fluxctl wechat}: the WeChat debugging kit. */
@Command(name = "wechat", description = "Debug a WeChat Official Account or Mini Program server behind a tunnel.",
        subcommands = {WeChatCommand.Sign.class, WeChatCommand.Set.class, WeChatCommand.TestMessage.class})
final class WeChatCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (sign, set, test-message)");
    }

    /** {@code fluxctl wechat sign}: the signature tester. */
    @Command(name = "sign", description = {
        "Compute the signature WeChat sends: sha1 of token, timestamp and nonce sorted and joined.",
        "With --signature, check one and say why it does not match (exit 1)."})
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--token", required = true, description = "The Token from the WeChat admin console.")
        String token;

        @Option(names = "--timestamp", required = true, description = "The timestamp query parameter.")
        String timestamp;

        @Option(names = "--nonce", required = true, description = "The nonce query parameter.")
        String nonce;

        @Option(names = "--encrypt", paramLabel = "TEXT",
                description = "The Encrypt element of a safe-mode message: computes msg_signature instead.")
        String encrypt;

        @Option(names = "--signature", paramLabel = "HEX", description = "The signature to check.")
        String signature;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            WeChatSignature.Check check = encrypt == null
                    ? WeChatSignature.check(token, timestamp, nonce, signature == null ? "" : signature)
                    : WeChatSignature.checkMessage(token, timestamp, nonce, encrypt, signature == null ? ""
                            : signature);
            if (check.expected() == null) {
                throw new CliFailure(ExitCodes.USAGE, check.reason());
            }
            if (signature == null) {
                out.println(check.expected());
                out.flush();
                return ExitCodes.OK;
            }
            if (check.valid()) {
                out.println("valid: " + check.expected());
                out.flush();
                return ExitCodes.OK;
            }
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "invalid: " + check.reason());
        }
    }

    /** {@code fluxctl wechat set}: WeChat mode for a tunnel of the running agent. */
    @Command(name = "set", description = {
        "Turn on WeChat mode for a tunnel of the running agent: the inspector checks signatures with this token,",
        "decrypts safe-mode messages with the EncodingAESKey, and test messages are signed with them.",
        "(In flux.toml: wechat = { token = \"...\", encodingAESKey = \"...\", appId = \"...\" } on the tunnel.)"})
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TUNNEL", description = "The tunnel's name.")
        String tunnel;

        @Option(names = "--token", required = true, description = "The Token from the WeChat admin console.")
        String token;

        @Option(names = "--aes-key", paramLabel = "KEY", description = "The 43-character EncodingAESKey (safe mode).")
        String aesKey;

        @Option(names = "--app-id", paramLabel = "APPID", description = "The AppID (required with --aes-key).")
        String appId;

        @Option(names = "--off", description = "Turn WeChat mode off for the tunnel instead.")
        boolean off;

        @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
                description = "Port of the running agent's local admin API (default: ${DEFAULT-VALUE}).")
        int adminPort;

        @Override
        public Integer call() {
            try {
                new WeChatConfig(token, aesKey, appId);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (aesKey != null && appId == null) {
                throw new ParameterException(spec.commandLine(), "--aes-key needs --app-id: safe-mode messages "
                        + "carry the AppID");
            }
            InspectorClient client = new InspectorClient(adminPort);
            try {
                if (off) {
                    client.send("DELETE", "/api/wechat/" + tunnel, null);
                } else {
                    Map<String, String> body = new LinkedHashMap<>();
                    body.put("token", token);
                    body.put("encodingAESKey", aesKey);
                    body.put("appId", appId);
                    client.send("PUT", "/api/wechat/" + tunnel, body);
                }
            } catch (InspectorClient.InspectorException e) {
                throw new CliFailure(ExitCodes.RUNTIME_ERROR, e.getMessage());
            }
            spec.commandLine().getOut().println("WeChat mode " + (off ? "off" : "on" + (aesKey == null
                    ? " (plain text)" : " (safe mode)")) + " for tunnel " + tunnel);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code fluxctl wechat test-message}: a signed sample message through the public URL. */
    @Command(name = "test-message", description = {
        "Send a sample message as WeChat would: signed with the tunnel's token, fresh timestamp and nonce,",
        "encrypted in safe mode, POSTed to the tunnel's public URL. Prints your server's answer."})
    static final class TestMessage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tunnel", required = true, paramLabel = "NAME", description = "The tunnel in WeChat mode.")
        String tunnel;

        @Option(names = "--type", defaultValue = "text", description = "text or event (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--content", description = "The text, or the event's name (default: subscribe).")
        String content;

        @Option(names = "--path", defaultValue = "/", description = "The server URL's path (default: /).")
        String path;

        @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
                description = "Port of the running agent's local admin API (default: ${DEFAULT-VALUE}).")
        int adminPort;

        @Override
        public Integer call() {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("content", content);
            body.put("path", path);
            JsonNode r;
            try {
                r = new InspectorClient(adminPort).send("POST", "/api/wechat/" + tunnel + "/test-message", body);
            } catch (InspectorClient.InspectorException e) {
                throw new CliFailure(ExitCodes.RUNTIME_ERROR, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("POST " + r.get("url").asText());
            out.println(r.get("status").asInt() + " in " + r.get("durationMillis").asLong() + " ms"
                    + (r.get("durationMillis").asLong() > 5000 ? " (over WeChat's 5 s: it would retry)" : ""));
            out.println(r.get("body").asText());
            out.flush();
            return r.get("status").asInt() / 100 == 2 ? ExitCodes.OK : ExitCodes.RUNTIME_ERROR;
        }
    }
}
