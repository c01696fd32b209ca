package io.infrakit.operator.dashboard;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, with Debian's {@code chromium} and {@code chromium-driver} (never a
 * downloaded browser or driver), a fresh profile in a temp directory, and nothing that talks to the network. Outside
 * CI a machine without them skips the test, saying so; in CI ({@code CI} set) their absence fails it.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * Selenium looks for a DevTools binding of this Chromium's version, which these tests do not use, and warns when
     * the jar for it is missing (as it is whenever Debian moves Chromium on). Held here: JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (System.getenv("CI") == null) {
            assumeThat(present).as("Debian's chromium and chromium-driver (apt-get install -y chromium "
                    + "chromium-driver); .ci/run installs them").isTrue();
        } else if (!present) {
            throw new AssertionError("chromium and chromium-driver are missing: .ci/run should have installed them");
        }
        Path profile = Files.createTempDirectory("infrakit-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,860", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver, profile);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs an async script: its last argument is the callback that returns the result. */
    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
        // The page redraws what changed: an element read a moment ago may have been replaced; read it again.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(20)).withMessage(what)
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    java.util.List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** The page's height: the screenshots are of the whole page at the window's width. */
    void fitHeight(int min, int max) {
        Number h = (Number) script("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(1280, Math.max(min, Math.min(max, h.intValue() + 20))));
    }

    /** A PNG of the window into {@code file} (its directory is made). */
    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory: left for the system to clean
            }
        }
    }
}
