package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractMatcher;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders timeline.html pages made from a real saved OtaCycleIT serial.log in a real headless
 * browser (Debian's {@code chromium}): the DOM has every contract step, the screenshot is not
 * blank, met steps are green, and a run whose log lost a marker shows red. Skipped, with the reason
 * printed, where chromium is not installed (scripts/bootstrap installs it, so CI runs it).
 */
class TimelineBrowserTest {
    /** OtaCycleIT's serial.log from a run on a loaded 2-core host with timeout scale 3 (scripts/flakiness). */
    private static final String FIXTURE = "/timeline/ota-cycle-serial.log";
    private static final double FIXTURE_SCALE = 3.0;
    private static final int[] GREEN = {0x1a, 0x7f, 0x37};
    private static final int[] RED = {0xcf, 0x22, 0x2e};

    @TempDir
    Path dir;

    private Path chromium;

    @BeforeEach
    void findChromium() {
        Optional<Path> found = onPath("chromium", "chromium-browser");
        if (found.isEmpty()) {
            String reason = "chromium is not installed (scripts/bootstrap installs it): timeline.html not rendered in a browser";
            System.out.println("TimelineBrowserTest skipped: " + reason);
            assumeTrue(false, reason);
        }
        chromium = found.get();
    }

    @Test
    void aPassingOtaCycleRendersEveryStepInGreenAndNothingRed() throws IOException {
        List<ConsoleLine> lines = fixture();
        Path page = page("pass", lines);
        String dom = browse(page, "--dump-dom");
        int steps = Contract.builtIn("ota-cycle").steps().size();
        for (int n = 1; n <= steps; n++) {
            assertTrue(dom.contains(">ota-cycle #" + n + " "), "step " + n + " is on the page");
        }
        for (int boot = 1; boot <= 4; boot++) assertTrue(dom.contains(">boot " + boot + "</text>"), "lane of boot " + boot);
        assertTrue(dom.contains("| health: fail -&gt; rollback</span>"), "the escaped serial log is beside the lanes");
        BufferedImage png = screenshot(page);
        assertTrue(distinctColours(png) > 20, "the screenshot is not blank");
        assertTrue(count(png, GREEN) > 200, "met steps are drawn green: " + count(png, GREEN) + " px");
        assertEquals(0, count(png, RED), "nothing failed, nothing red");
    }

    @Test
    void aRunThatLostItsRollbackMarkerShowsTheFailedStepInRed() throws IOException {
        List<ConsoleLine> lines = new ArrayList<>(fixture());
        assertTrue(lines.removeIf(l -> l.text().equals("health: fail -> rollback")), "the fixture has the marker");
        Path page = page("fail", lines);
        String dom = browse(page, "--dump-dom");
        assertTrue(dom.contains("FAILED</text>"), "the failed step is labelled");
        assertTrue(dom.contains("marker 'health: fail -&gt; rollback' not seen in boot 3"), "the failure is in the table");
        BufferedImage png = screenshot(page);
        assertTrue(count(png, RED) > 100, "the failed step and outcome are red: " + count(png, RED) + " px");
    }

    private List<ConsoleLine> fixture() throws IOException {
        Path copy = dir.resolve("serial.log");
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            assertTrue(in != null, "test resource " + FIXTURE);
            Files.copy(in, copy);
        }
        return ConsoleLog.read(copy);
    }

    /** timeline.html for {@code lines} checked offline against ota-cycle, as the harness draws it. */
    private Path page(String name, List<ConsoleLine> lines) throws IOException {
        ContractMatcher m = new ContractMatcher(Contract.builtIn("ota-cycle"), FIXTURE_SCALE);
        for (ConsoleLine l : lines) {
            m.offer(l);
            if (m.done()) break;
        }
        m.endOfInput();
        ConsoleLine last = lines.get(lines.size() - 1);
        List<Timeline.Mark> marks = Timeline.marks(m, UnaryOperator.identity(), Duration.ZERO, last);
        Path page = dir.resolve(name + ".html");
        Timeline.Page header = new Timeline.Page("OtaCycleIT / " + name, m.passed() ? "contract met" : "contract failed",
                new TimeoutScale(FIXTURE_SCALE, "the fixture's run").toString(), false);
        Files.writeString(page, Timeline.html(header, lines, marks), StandardCharsets.UTF_8);
        return page;
    }

    private String browse(Path page, String... args) {
        List<String> argv = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1500,2600"));
        argv.addAll(List.of(args));
        argv.add(page.toUri().toString());
        return Exec.run(argv, Duration.ofSeconds(120));
    }

    private BufferedImage screenshot(Path page) throws IOException {
        Path png = dir.resolve(page.getFileName() + ".png");
        browse(page, "--screenshot=" + png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() == 1500, "a 1500 px wide PNG at " + png);
        return image;
    }

    private static long count(BufferedImage img, int[] rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xff) - rgb[0]) <= 12 && Math.abs((p >> 8 & 0xff) - rgb[1]) <= 12
                        && Math.abs((p & 0xff) - rgb[2]) <= 12) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long distinctColours(BufferedImage img) {
        return Stream.iterate(0, y -> y < img.getHeight(), y -> y + 7)
                .flatMap(y -> Stream.iterate(0, x -> x < img.getWidth(), x -> x + 7).map(x -> img.getRGB(x, y)))
                .distinct().count();
    }

    private static Optional<Path> onPath(String... names) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : names) {
            for (String d : path.split(File.pathSeparator)) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
