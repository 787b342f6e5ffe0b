package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeChatCommandTest {

    @Test
    void signPrintsTheSignatureOfTheOfficialVector() {
        CliRun.Result r = CliRun.run("wechat", "sign", "--token", "AAAAA", "--timestamp", "1714036504", "--nonce",
                "1514711492");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696\n");
    }

    @Test
    void signChecksASignatureAndSaysWhyItFails() {
        CliRun.Result ok = CliRun.run("wechat", "sign", "--token", "AAAAA", "--timestamp", "1714036504", "--nonce",
                "1514711492", "--signature", "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEqualTo("valid: f464b24fc39322e44b38aa78f5edd27bd1441696\n");

        CliRun.Result bad = CliRun.run("wechat", "sign", "--token", "AAAAB", "--timestamp", "1714036504", "--nonce",
                "1514711492", "--signature", "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("invalid: signature 'f464b24fc39322e44b38aa78f5edd27bd1441696' does not "
                + "match the expected").doesNotContain("Exception");

        CliRun.Result missing = CliRun.run("wechat", "sign", "--token", "AAAAA", "--nonce", "1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--timestamp");
    }

    @Test
    void setThenTestMessageSignsAndEncryptsForTheRunningAgent() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/wx", ex -> {
            java.util.Map<String, String> q = new java.util.HashMap<>();
            for (String p : ex.getRequestURI().getQuery().split("&")) {
                q.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
            }
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String encrypt = dev.flux.client.wechat.WeChatMessage.fields(body).get("Encrypt");
            boolean ok = dev.flux.client.wechat.WeChatSignature.check("pamtest", q.get("timestamp"), q.get("nonce"),
                    q.get("signature")).valid()
                    && dev.flux.client.wechat.WeChatSignature.checkMessage("pamtest", q.get("timestamp"),
                            q.get("nonce"), encrypt, q.get("msg_signature")).valid();
            seen.add(new dev.flux.client.wechat.WeChatCrypto(KEY, "wx1").decrypt(encrypt).message());
            byte[] answer = (ok ? "success" : "bad signature").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 400, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        dev.flux.client.admin.LocalAdminServer admin = dev.flux.client.admin.LocalAdminServer.start(0,
                java.util.List::of, null, new dev.flux.client.inspect.RequestInspector(
                        new dev.flux.client.inspect.RequestCapture(dev.flux.client.inspect.InspectSettings.DEFAULT,
                                null),
                        name -> java.util.Optional.of(new dev.flux.client.inspect.RequestInspector.TunnelTarget(
                                "127.0.0.1", server.getAddress().getPort(), url))));
        try {
            String port = String.valueOf(admin.port());
            CliRun.Result off = CliRun.run("wechat", "test-message", "--tunnel", "wx", "--admin-port", port);
            assertThat(off.exitCode()).isEqualTo(1);
            assertThat(off.err()).contains("tunnel 'wx' is not in WeChat mode");

            CliRun.Result set = CliRun.run("wechat", "set", "wx", "--token", "pamtest", "--aes-key", KEY, "--app-id",
                    "wx1", "--admin-port", port);
            assertThat(set.out()).isEqualTo("WeChat mode on (safe mode) for tunnel wx\n");

            CliRun.Result sent = CliRun.run("wechat", "test-message", "--tunnel", "wx", "--path", "/wx",
                    "--content", "hi", "--admin-port", port);
            assertThat(sent.exitCode()).isZero();
            assertThat(sent.out()).startsWith("POST " + url + "/wx?signature=").contains("&encrypt_type=aes")
                    .containsPattern("\n200 in \\d+ ms\nsuccess\n$");
            assertThat(seen).singleElement().asString().contains("<Content><![CDATA[hi]]></Content>");
        } finally {
            admin.close();
            server.stop(0);
        }
    }

    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    @Test
    void setChecksItsArgumentsBeforeCallingTheAgent() {
        CliRun.Result r = CliRun.run("wechat", "set", "wx", "--token", "pamtest", "--aes-key", "short",
                "--app-id", "wx1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("EncodingAESKey has 5 characters, not 43");
    }
}
