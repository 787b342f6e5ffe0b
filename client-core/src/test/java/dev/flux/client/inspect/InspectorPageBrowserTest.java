package dev.flux.client.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.admin.LocalAdminServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inspector page at {@code http://127.0.0.1:PORT/} in a real headless Chromium (the system's
 * {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver}): a captured request is listed, its detail shows
 * the formatted body, and Replay and Edit-and-replay reach the local service, the page's POSTs passing the
 * admin API's origin and CSRF checks.
 */
class InspectorPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path profile;

    HttpServer service;
    LocalAdminServer admin;
    ChromeDriverService driverService;
    WebDriver browser;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the browser test needs Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": install them with 'apt-get install chromium chromium-driver'");
        }
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", ex -> {
            received.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"replayed\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        service.start();
        RequestCapture capture = new RequestCapture(new InspectSettings(10, 1024), null);
        capture.add("web", "POST", "/items?page=2", 201, 12, Instant.now(),
                new HttpMessageCapture(List.of(new HttpHeader("Host", "web.tunnel.test"),
                        new HttpHeader("Content-Type", "application/json")),
                        "{\"name\":\"first\"}".getBytes(StandardCharsets.UTF_8), 16, false),
                new HttpMessageCapture(List.of(new HttpHeader("Content-Length", "0")), new byte[0], 0, false), null);
        admin = LocalAdminServer.start(0, List::of, null, new RequestInspector(capture, name -> Optional.of(
                new RequestInspector.TunnelTarget("127.0.0.1", service.getAddress().getPort(), null))));

        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        browser = new ChromeDriver(driverService, options);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (admin != null) {
            admin.close();
        }
        if (service != null) {
            service.stop(0);
        }
    }

    @Test
    void listShowReplayAndEditedReplay() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        browser.get("http://127.0.0.1:" + admin.port() + "/");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='1']")));
        assertThat(row.getText()).contains("POST").contains("/items?page=2").contains("201").contains("12 ms");

        row.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail h2"),
                "POST /items?page=2"));
        assertThat(browser.findElement(By.id("detail")).getText()).contains("{\n  \"name\" : \"first\"\n}")
                .contains("Content-Type: application/json");

        browser.findElement(By.xpath("//button[text()='Replay']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .muted"),
                "replay of #1"));
        assertThat(received).containsExactly("POST /items?page=2 {\"name\":\"first\"}");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='2']")));
        assertThat(browser.findElement(By.cssSelector("tr[data-id='2']")).getText()).contains("replay of #1");
        assertThat(browser.findElement(By.id("detail")).getText()).contains("\"replayed\" : true");

        browser.findElement(By.cssSelector("tr[data-id='1']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .muted"), "#1 "));
        browser.findElement(By.xpath("//button[text()='Edit and replay']")).click();
        WebElement body = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//h4[text()='Body']/following-sibling::textarea")));
        body.clear();
        body.sendKeys("{\"name\":\"edited\"}");
        browser.findElement(By.xpath("//button[text()='Send']")).click();
        wait.until(d -> received.size() == 2);
        assertThat(received.get(1)).isEqualTo("POST /items?page=2 {\"name\":\"edited\"}");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='3']")));

        Path shots = Path.of(System.getProperty("flux.screenshots.dir", "target/screenshots"));
        Files.createDirectories(shots);
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE);
        Files.copy(shot.toPath(), shots.resolve("inspector.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
