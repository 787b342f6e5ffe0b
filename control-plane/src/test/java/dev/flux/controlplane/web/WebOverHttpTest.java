package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.user.Role;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What only the real servlet container shows (MockMvc neither sets cookies nor follows the forward to the 403
 * page): the session cookie's attributes and the error pages, over real HTTP.
 */
class WebOverHttpTest extends WebTestSupport {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndErrorsArePages() throws Exception {
        newUser("kate", Role.USER);
        HttpResponse<String> page = get("/sign-in");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'self';").contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly").contains("SameSite=Lax")
                .doesNotContain("Secure"); // plain HTTP here; over HTTPS the container adds Secure
        HttpResponse<String> signedIn = post("/sign-in", Map.of("username", "kate", "password", PASSWORD,
                "_csrf", csrf(page.body())));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/");
        // the session id changes at sign-in (no session fixation)
        assertThat(signedIn.headers().firstValue("Set-Cookie").orElseThrow()).isNotEqualTo(cookie)
                .contains("HttpOnly").contains("SameSite=Lax");

        HttpResponse<String> tokens = get("/tokens");
        assertThat(tokens.statusCode()).isEqualTo(200);

        HttpResponse<String> noCsrf = post("/tokens", Map.of("name", "forged"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("the form was not sent from a page of this control plane, or it expired");

        HttpResponse<String> adminOnly = get("/audit");
        assertThat(adminOnly.statusCode()).isEqualTo(403);
        assertThat(adminOnly.body()).contains("this page is for administrators").doesNotContain("Exception");

        HttpResponse<String> notYours = post("/tokens/987654/revoke", Map.of("_csrf", csrf(tokens.body())));
        assertThat(notYours.statusCode()).isEqualTo(404);
        assertThat(notYours.body()).contains("token 987654");

        HttpResponse<String> badNumber = get("/tunnels/abc");
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(badNumber.body()).contains("id: &#39;abc&#39; is not a valid value");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
