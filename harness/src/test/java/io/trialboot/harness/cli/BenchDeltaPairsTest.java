package io.trialboot.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/bench-delta's BENCH_PAIRS: only the named pairs' images are made and only they run; the
 * apply benchmark runs with pair (c) alone. The real script in a temporary tree, every tool it starts
 * (java, mksquashfs, mke2fs, dpkg, xdelta3, bsdiff) a stub that records its call.
 */
class BenchDeltaPairsTest {
    private static final List<String> TOOLS = List.of("java", "mksquashfs", "mke2fs", "dpkg", "dpkg-deb", "xdelta3", "bsdiff");

    @TempDir
    Path dir;

    @Test
    void pairFAloneMakesNoImageAndRunsNoApply() throws Exception {
        Path fixtures = Files.createDirectories(dir.resolve("fixtures"));
        Files.writeString(fixtures.resolve("slot-1.1.0.img"), "old");
        Files.writeString(fixtures.resolve("slot-1.2.0.img"), "new");
        Run r = run(Map.of("BENCH_PAIRS", "f", "FIXTURE_IMAGES", fixtures.toString()));
        assertEquals(0, r.code, r.toString());
        List<String> calls = r.calls.lines().filter(l -> !l.startsWith("java -version")).toList();
        assertEquals(1, calls.stream().filter(l -> l.startsWith("java ")).count(), r.toString());
        assertTrue(calls.stream().allMatch(l -> l.startsWith("java ") && l.contains("DeltaCli make") && l.contains("f-src.img")
                || l.startsWith("xdelta3 ") || l.startsWith("bsdiff ")), "only pair (f)'s tools ran: " + r);
        assertTrue(r.out.contains("== pair (f): 3 -> 3 bytes"), r.toString());
        assertTrue(r.out.contains("== apply on the host: not run (it runs with pair (c), which BENCH_PAIRS leaves out)"), r.toString());
        assertTrue(!r.out.contains("== pair (c)") && !r.out.contains("(b) "), r.toString());
    }

    @Test
    void pairFWithoutImagesSaysHowToMakeThem() throws Exception {
        Run r = run(Map.of("BENCH_PAIRS", "f", "FIXTURE_IMAGES", dir.resolve("none").toString()));
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("(f) skipped: no slot-1.1.0.img and slot-1.2.0.img in " + dir.resolve("none")
                + ". Only a guest-image build that is not an image-cache hit leaves them there;"), r.toString());
        assertTrue(r.calls.lines().allMatch(l -> l.equals("java -version") || l.equals("xdelta3 -V")), "nothing but versions: " + r);
    }

    @Test
    void noPairNamedRunsTheApplyAloneOnPairCsImages() throws Exception {
        Run r = run(Map.of("BENCH_PAIRS", " "));
        assertTrue(r.out.contains("== apply on the host, 256 MiB ext4 image (c), heap capped at 64 MiB"), r.toString());
        assertTrue(!r.out.contains("== pair ("), r.toString());
        assertTrue(r.calls.contains("mke2fs ") && r.calls.contains("DeltaCli make " + dir.resolve("bench/c-src.img")), r.toString());
    }

    @Test
    void anUnknownPairIsAUsageError() throws Exception {
        Run r = run(Map.of("BENCH_PAIRS", "f x"));
        assertEquals(2, r.code, r.toString());
        assertEquals("bench-delta: BENCH_PAIRS: unknown pair 'x' (known: f a j s b c)\n", r.err);
        assertEquals("", r.calls);
    }

    private Run run(Map<String, String> env) throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("tree/scripts"));
        Files.copy(Path.of("..", "scripts", "bench-delta"), scripts.resolve("bench-delta"), StandardCopyOption.COPY_ATTRIBUTES);
        Path classpath = Files.writeString(scripts.resolve("tools-classpath"), "#!/bin/sh\necho /stub/classes\n");
        assertTrue(classpath.toFile().setExecutable(true));
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path calls = dir.resolve("calls.log");
        Files.deleteIfExists(calls);
        for (String tool : TOOLS) {
            // java's DeltaCli make writes its output file (the last argument), as the real one does
            String body = switch (tool) {
                case "java" -> "for last; do :; done; case \"$*\" in *' make '*) echo delta > \"$last\"; echo delta_bytes=6 ms=1 ;; esac\n";
                case "xdelta3", "bsdiff" -> "for last; do :; done; [ \"$1\" = -V ] || echo x > \"$last\"\n"; // writes its output
                case "mke2fs" -> "while [ $# -gt 2 ]; do shift; done; head -c 8192 /dev/zero > \"$1\"\n"; // the image before the size
                default -> "";
            };
            Path stub = Files.writeString(stubs.resolve(tool), "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\n" + body);
            assertTrue(stub.toFile().setExecutable(true));
        }
        ProcessBuilder pb = new ProcessBuilder(scripts.resolve("bench-delta").toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", stubs + ":" + pb.environment().get("PATH"));
        pb.environment().put("BENCH_DIR", Files.createDirectories(dir.resolve("bench")).toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bench-delta still runs after 30 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8), Files.exists(calls) ? Files.readString(calls) : "");
    }

    private record Run(int code, String out, String err, String calls) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err + "--- calls:\n" + calls;
        }
    }
}
