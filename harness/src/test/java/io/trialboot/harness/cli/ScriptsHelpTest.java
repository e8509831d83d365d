package io.trialboot.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every script in scripts/ answers {@code -h} and {@code --help} with its usage (its header comment) on
 * stdout and exit 0 before doing anything, and an unknown option, or an option missing its value,
 * with one line on stderr and exit 2.
 * Each runs in a copy of scripts/ under a temporary tree that holds files a real run would delete
 * (a stopped campaign's summary, benchmark rounds, a session), with HOME, TMPDIR and BENCH_DIR inside
 * it and every tool a real run starts (Maven, java, docker, apt-get, QEMU, ...) replaced by a stub
 * that only records its call: the tree must be the same afterwards and no stub called.
 */
class ScriptsHelpTest {
    private static final Path SCRIPTS = Path.of("..", "scripts");
    /** Their options are the Java program's they start (VmOptions, MarkersCheck, TrialbootTool), which refuses an unknown one. */
    private static final Set<String> OPTIONS_IN_JAVA = Set.of("vm", "markers", "trialboot");
    private static final List<String> STUBBED = List.of("mvn", "java", "javac", "docker", "dockerd", "apt-get", "dpkg-query",
            "mmdebstrap", "qemu-system-riscv64", "qemu-img", "git", "mksquashfs", "taskset", "sudo", "id");
    /** Files a script's real job would delete or rewrite. */
    private static final List<String> PRECIOUS = List.of("harness/target/reliability/summary.md",
            "harness/target/reliability/run-1/contracts.txt", "harness/target/qemu-runs/BootBenchmark/round-1/image/serial.log",
            "target/vm/20261207-120000/overlay.qcow2", "docs/reliability.md", "tools/target/classpath.txt");

    @TempDir
    Path dir;

    static Stream<String> scripts() throws IOException {
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Stream<String> scriptsWithTheirOwnOptions() throws IOException {
        return scripts().filter(n -> !OPTIONS_IN_JAVA.contains(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void helpPrintsTheUsageAndDoesNothingElse(String script) throws Exception {
        String header = Files.readAllLines(SCRIPTS.resolve(script)).get(1).replaceFirst("^# ?", "");
        for (String flag : List.of("--help", "-h")) {
            Run r = run(script, flag);
            assertEquals(0, r.code, script + " " + flag + ": " + r);
            assertTrue(r.out.startsWith(header + "\n"), script + " " + flag + " prints its header first: " + r);
            assertEquals("", r.err, script + " " + flag + ": " + r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scriptsWithTheirOwnOptions")
    void anUnknownOptionIsOneLineAndExitTwo(String script) throws Exception {
        Run r = run(script, "--no-such-option");
        assertEquals(2, r.code, script + ": " + r);
        assertEquals("", r.out, script + ": " + r);
        assertTrue(r.err.contains("--no-such-option") && r.err.indexOf('\n') == r.err.length() - 1, script + ": one line: " + r);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"bench-boot, --baseline", "bench-boot, --rounds", "bench-stall, --boots", "bench-stall, --hog", "fuzz, --minutes",
        "repro-check, --dir", "bench-bootstrap, --rounds", "bench-history, --baseline", "vm, --runs", "vm, --snapshots",
        "vm, --image"})
    void anOptionWithoutItsValueIsOneLineAndExitTwo(String script, String option) throws Exception {
        Run r = run(script, option);
        assertEquals(2, r.code, script + " " + option + ": " + r);
        assertEquals("", r.out, script + " " + option + ": " + r);
        assertTrue(r.err.startsWith(script + ": " + option + " ") && r.err.indexOf('\n') == r.err.length() - 1,
                script + " " + option + ": one line naming the option: " + r);
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** Runs {@code script arg} in the tree copy; asserts it left the tree as it was and called no tool. */
    private Run run(String script, String arg) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Path copy = Files.createDirectories(tree.resolve("scripts"));
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
        for (String f : PRECIOUS) Files.writeString(Files.createDirectories(tree.resolve(f).getParent()).resolve(tree.resolve(f).getFileName()), f);
        for (String d : List.of("home", "tmp", "bench")) Files.createDirectories(tree.resolve(d));
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path calls = dir.resolve("calls.log");
        for (String tool : STUBBED) {
            Path stub = Files.writeString(stubs.resolve(tool), "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\nexit 97\n");
            assertTrue(stub.toFile().setExecutable(true));
        }
        Map<String, String> before = listing(tree);
        ProcessBuilder pb = new ProcessBuilder(copy.resolve(script).toString(), arg).directory(tree.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = pb.environment();
        env.put("PATH", stubs + ":" + env.get("PATH"));
        env.put("HOME", tree.resolve("home").toString());
        env.put("TMPDIR", tree.resolve("tmp").toString());
        env.put("BENCH_DIR", tree.resolve("bench").toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(script + " " + arg + " still ran after 30 s: it started its real job");
        }
        Run r = new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
        String called = Files.exists(calls) ? Files.readString(calls) : "";
        Files.deleteIfExists(calls);
        assertEquals("", called, script + " " + arg + " started tools: " + r);
        assertEquals(before, listing(tree), script + " " + arg + " changed the tree: " + r);
        return r;
    }

    /** Every file and directory under {@code root} with its size. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) all.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Long.toString(Files.size(p)));
        }
        return all;
    }
}
