package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.controlplane.tunnel.TunnelRepository;
import dev.flux.controlplane.tunnel.TunnelType;
import dev.flux.controlplane.user.UserRepository;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.chromium.HasPermissions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The web UI in a real headless Chromium (the system's {@code /usr/bin/chromium} through its
 * {@code /usr/bin/chromedriver}; nothing is downloaded): the first administrator signs in with the one-time
 * password, is made to change it, creates a user and a token, copies the token's secret, revokes it, and
 * approves a device login.
 * Screenshots go to the directory in the system property {@code flux.screenshots.dir}, else
 * {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest extends WebTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ADMIN_PASSWORD = "the administrator's own password";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TunnelRepository tunnels;
    @Autowired
    UserRepository userRepository;

    private ChromeDriverService service;
    private WebDriver browser;
    private Path profile;
    private Path screenshots;

    @BeforeAll
    void startChromium() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the browser tests need Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": install them with 'apt-get install chromium chromium-driver' (CI does)");
        }
        profile = Files.createTempDirectory("flux-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // an explicit driver: Selenium Manager (which would download one) is never consulted
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        String dir = System.getProperty("flux.screenshots.dir");
        screenshots = dir == null || dir.isBlank() ? Path.of("target", "screenshots") : Path.of(dir);
        Files.createDirectories(screenshots);
    }

    @AfterAll
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            TestPostgres.delete(profile);
        }
    }

    @Test
    void theFirstAdministratorSignsInAndManagesUsersAndTokens() throws Exception {
        seedTrafficForTheDashboard();
        ApiClient api = new ApiClient(port);

        open("/tokens"); // not signed in: to the sign-in page
        waitFor(By.id("sign-in"));
        screenshot("sign-in");
        signInWithTheForm("admin", ADMIN_FIRST_PASSWORD);

        // the one-time password must be replaced first, whatever page was asked for
        waitFor(By.id("change-password"));
        assertThat(browser.getCurrentUrl()).endsWith("/account/password");
        open("/users");
        waitFor(By.id("change-password"));
        browser.findElement(By.id("current-password")).sendKeys(ADMIN_FIRST_PASSWORD);
        browser.findElement(By.id("new-password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.id("repeat-password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.id("change-password")).click();
        waitFor(By.id("traffic-chart"));
        assertThat(text(By.cssSelector(".flash.notice"))).isEqualTo("your password was changed");
        assertThat(browser.findElements(By.cssSelector("#traffic-chart rect.bar"))).hasSize(24);
        screenshot("dashboard");

        // a new user, with a one-time password shown once
        open("/users");
        browser.findElement(By.id("new-username")).sendKeys("dana");
        browser.findElement(By.cssSelector("#create-user button[type=submit]")).click();
        waitFor(By.id("one-time-password"));
        assertThat(text(By.id("one-time-password"))).hasSize(20);
        assertThat(userRepository.findByUsername("dana").orElseThrow().mustChangePassword()).isTrue();
        screenshot("users");
        open("/users");
        assertThat(browser.findElements(By.id("one-time-password"))).isEmpty();

        // a token: its secret is shown once and the copy button puts it on the clipboard
        open("/tokens");
        browser.findElement(By.id("token-name")).sendKeys("ci-deploy");
        browser.findElement(By.id("create-token-button")).click();
        waitFor(By.id("token-secret"));
        String secret = text(By.id("token-secret"));
        assertThat(secret).startsWith("flx_");
        ((HasPermissions) browser).setPermission("clipboard-read", "granted");
        ((HasPermissions) browser).setPermission("clipboard-write", "granted");
        browser.findElement(By.id("copy-secret")).click();
        new WebDriverWait(browser, Duration.ofSeconds(5))
                .until(ExpectedConditions.textToBe(By.id("copy-secret"), "Copied"));
        assertThat(browser.findElement(By.id("copy-secret")).getDomAttribute("data-copied")).isEqualTo(secret);
        Object clipboard = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
        assertThat(clipboard).isEqualTo(secret);
        screenshot("tokens");
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);

        // revoke it: the API refuses it from now on
        open("/tokens");
        assertThat(browser.findElements(By.id("token-secret"))).isEmpty();
        WebElement row = browser.findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.getText().contains("ci-deploy")).findFirst().orElseThrow();
        row.findElement(By.cssSelector("button.danger")).click();
        waitFor(By.cssSelector(".flash.notice"));
        assertThat(text(By.cssSelector(".flash.notice"))).endsWith("was revoked");
        ApiClient.Response refused = api.get("/api/v1/me", secret);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text("error")).isEqualTo("token_revoked");

        // the tunnel list refreshes itself: a tunnel that appears is shown without a reload
        open("/tunnels");
        waitFor(By.id("tunnel-rows"));
        long admin = userRepository.findByUsername("admin").orElseThrow().id();
        long appeared = tunnels.insert(admin, "api-staging", TunnelType.TCP, "localhost:5432", null, null, 22001,
                null, null);
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("tunnel-" + appeared)));
        assertThat(text(By.id("tunnel-" + appeared))).contains("api-staging", "tcp://tunnel.example.com:22001");
        screenshot("tunnels");

        open("/audit");
        waitFor(By.id("audit-filter"));
        String audit = text(By.tagName("table"));
        assertThat(audit).contains("token.revoke", "token.create", "user.create", "password.change", "127.0.0.1");
        screenshot("audit");

        // device login: the page the device names, approved in the browser
        ApiClient.Response started = api.post("/api/v1/device/authorize", null,
                Map.of("clientName", "fluxctl on build-box"));
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.text("verificationUriComplete"))
                .isEqualTo("http://127.0.0.1:" + port + "/device?code=" + started.text("userCode"));
        browser.get(started.text("verificationUriComplete"));
        waitFor(By.id("approve"));
        assertThat(text(By.id("client-name"))).isEqualTo("fluxctl on build-box");
        assertThat(text(By.id("user-code"))).isEqualTo(started.text("userCode"));
        screenshot("device");
        browser.findElement(By.id("approve")).click();
        waitFor(By.cssSelector(".flash.notice"));
        assertThat(text(By.cssSelector(".flash.notice"))).startsWith("'fluxctl on build-box' is signed in as admin");
        ApiClient.Response issued = api.post("/api/v1/device/token", null,
                Map.of("deviceCode", started.text("deviceCode")));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", issued.text("token")).body().path("user").path("username").asString())
                .isEqualTo("admin");

        // no page logged an error in the console (e.g. something the Content-Security-Policy refused)
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .filteredOn(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .isEmpty();

        // signing out ends the session
        browser.findElement(By.cssSelector(".sign-out button")).click();
        waitFor(By.id("sign-in"));
        open("/tokens");
        waitFor(By.id("sign-in"));
    }

    private void seedTrafficForTheDashboard() {
        long admin = userRepository.findByUsername("admin").orElseThrow().id();
        long web = tunnels.insert(admin, "web", TunnelType.HTTP, "localhost:8080", "demo-web", null, null, null, null);
        // a node that registered and heart-beats, serving the tunnel: the list shows it online with its URL
        long node = jdbc.sql("""
                        INSERT INTO nodes (name, public_host, subdomain_host, credential_hash, tunnel_host, tunnel_port,
                                           http_port, fingerprint, version, registered_at, last_heartbeat_at)
                        VALUES ('edge-1', 'tunnel.example.com', 'tunnel.example.com', 'sha256:screenshot',
                                'tunnel.example.com', 7000, 80, 'SHA256:screenshot', 'dev', now(), now())
                        RETURNING id""").query(Long.class).single();
        jdbc.sql("UPDATE tunnels SET state = 'online', served_by = :node, last_seen_at = now() WHERE id = :id")
                .param("node", node).param("id", web).update();
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i < 24; i++) {
            long bytes = 40_000_000L + (long) (30_000_000 * Math.sin(i / 3.0)) + i * 2_000_000L;
            jdbc.sql("INSERT INTO traffic_samples (tunnel_id, minute, bytes_in, bytes_out, connections) "
                            + "VALUES (:id, :minute, :in, :out, :connections)")
                    .param("id", web)
                    .param("minute", java.sql.Timestamp.from(hour.minus(i, ChronoUnit.HOURS)))
                    .param("in", bytes / 3)
                    .param("out", bytes)
                    .param("connections", 100 + i * 7)
                    .update();
        }
    }

    private void signInWithTheForm(String username, String password) {
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + port + path);
    }

    private void waitFor(By locator) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(locator));
    }

    private String text(By locator) {
        return browser.findElement(locator).getText().trim();
    }

    private void screenshot(String page) throws IOException {
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve("control-plane-" + page + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
