package dev.flux.desktop;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user does in the browser during a device login: signs in to the control plane's web UI and presses
 * Approve on {@code /device?code=...}, with the session cookie and CSRF token a browser would carry.
 */
final class WebApproval {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    WebApproval(URI base) {
        this.base = base;
    }

    void signIn(String username, String password) throws IOException, InterruptedException {
        String csrf = csrf(get("/sign-in"));
        post("/sign-in", "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf));
    }

    /** Presses Approve for {@code code}; returns the page the browser lands on. */
    String approve(String code) throws IOException, InterruptedException {
        String csrf = csrf(get("/device?code=" + enc(code)));
        return post("/device/approve", "code=" + enc(code) + "&_csrf=" + enc(csrf));
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private String post(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in the page:\n" + page);
        }
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
