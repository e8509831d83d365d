package io.trialboot.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/reliability publishes only a full campaign: its table replaces the one in
 * docs/reliability.md when the summary's state line counts at least the reliability profile's points
 * (harness/pom.xml) and no single point was replayed; a trial leaves the doc as it was and says where
 * its table is. Runs the real script and the real pom in a temporary tree, Maven replaced by a stub
 * that writes the summary a campaign of N points would.
 */
class ReliabilityScriptTest {
    private static final Path TOP = Path.of("..");
    private static final String SUMMARY = "harness/target/reliability/summary.md";
    private static final String DOC = """
            # Reliability

            <!-- powercut-summary:begin -->
            Seed 1, 200 of 200 points tried in 3961 s of QEMU time (trialboot.powercut.points=200).

            <!-- powercut-state seed=1 points=200 sittings=1 seconds=3961 done=0-199 counts=x -->
            <!-- powercut-summary:end -->

            After the table.
            """;

    @TempDir
    Path dir;

    @Test
    void aShortCampaignLeavesThePublishedTableAndSaysWhereItsOwnIs() throws Exception {
        Run r = run(3, 0, "-Dtrialboot.powercut.points=3");
        assertEquals(0, r.code, r.toString());
        assertEquals(DOC, doc(), "the published table stays");
        assertTrue(r.out.contains("reliability: a trial (3 points; a full campaign is 200 points): its table stays in "
                + SUMMARY + "; docs/reliability.md still holds the published campaign"), r.toString());
    }

    @Test
    void aFullCampaignReplacesThePublishedTable() throws Exception {
        Run r = run(200, 0);
        assertEquals(0, r.code, r.toString());
        assertEquals(DOC.replace("Seed 1, 200 of 200 points tried in 3961 s of QEMU time (trialboot.powercut.points=200).\n\n"
                + "<!-- powercut-state seed=1 points=200 sittings=1 seconds=3961 done=0-199 counts=x -->",
                summary(200).strip()), doc());
        assertTrue(r.out.contains("reliability: " + SUMMARY + " copied into docs/reliability.md (campaign exit status 0)"), r.toString());
    }

    @Test
    void aFailedFullCampaignIsPublishedWithItsExitStatus() throws Exception {
        Run r = run(200, 1);
        assertEquals(1, r.code, r.toString());
        assertTrue(doc().contains("seed=7 points=200"), doc());
    }

    @Test
    void aReplayedPointIsATrialEvenAtTheFullCount() throws Exception {
        Run r = run(200, 0, "-Dtrialboot.powercut.only=17");
        assertEquals(0, r.code, r.toString());
        assertEquals(DOC, doc());
        assertTrue(r.out.contains("a trial (200 points replaying 17; a full campaign is 200 points)"), r.toString());
    }

    @Test
    void copyPublishesOnlyAFullCampaignsStoppedSitting() throws Exception {
        tree();
        Files.writeString(Files.createDirectories(dir.resolve("tree/harness/target/reliability")).resolve("summary.md"), summary(5));
        Run r = script("--copy");
        assertEquals(0, r.code, r.toString());
        assertEquals(DOC, doc());
        Files.writeString(dir.resolve("tree").resolve(SUMMARY), summary(200));
        assertEquals(0, script("--copy").code);
        assertTrue(doc().contains("seed=7 points=200"), doc());
    }

    private static String summary(int points) {
        return "Seed 7, " + points + " of " + points + " points tried in 60 s of QEMU time (trialboot.powercut.points=" + points + ").\n\n"
                + "No invariant broken.\n\n<!-- powercut-state seed=7 points=" + points + " sittings=1 seconds=60 done=0-" + (points - 1)
                + " counts=x -->\n";
    }

    private String doc() throws IOException {
        return Files.readString(dir.resolve("tree/docs/reliability.md"));
    }

    private void tree() throws IOException {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("scripts"));
        Files.createDirectories(tree.resolve("harness"));
        Files.createDirectories(tree.resolve("docs"));
        Files.copy(TOP.resolve("scripts/reliability"), tree.resolve("scripts/reliability"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(TOP.resolve("harness/pom.xml"), tree.resolve("harness/pom.xml"));
        Files.writeString(tree.resolve("docs/reliability.md"), DOC);
    }

    /** The script with Maven's stub writing a summary of {@code points} points and exiting {@code mvnCode}. */
    private Run run(int points, int mvnCode, String... args) throws Exception {
        tree();
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path text = Files.writeString(dir.resolve("summary.txt"), summary(points));
        Path mvn = Files.writeString(stubs.resolve("mvn"), "#!/bin/sh\nmkdir -p harness/target/reliability\ncp '" + text + "' "
                + SUMMARY + "\nexit " + mvnCode + "\n");
        assertTrue(mvn.toFile().setExecutable(true));
        return script(args);
    }

    private Run script(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(dir.resolve("tree/scripts/reliability").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", dir.resolve("stubs") + ":" + pb.environment().get("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "scripts/reliability still runs after 30 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }
}
