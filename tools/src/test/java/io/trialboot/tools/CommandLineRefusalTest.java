package io.trialboot.tools;

import static io.trialboot.tools.ToolFixture.ok;
import static io.trialboot.tools.ToolFixture.p;
import static io.trialboot.tools.ToolFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.tools.ToolFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command does with a command line it cannot use: an input file that is not there is
 * {@code HOST_NOT_FOUND} naming the option and the path (exit 1), whichever option names it; a
 * line that does not fit the usage is one {@code MALFORMED_INPUT} line and the synopsis (exit 2);
 * a key name is a plain file name. Nothing is written in any case.
 */
class CommandLineRefusalTest {
    @TempDir
    static Path dir;
    private static ToolFixture tool;

    @BeforeAll
    static void buildOnce() throws Exception {
        tool = ToolFixture.create(dir);
    }

    /** {@code release}'s options with {@code option} set to {@code value}. */
    private static String[] release(String option, String value) {
        List<String> a = new ArrayList<>(List.of("release", "--image", p(tool.input("1.1.0.img")), "--full-path", "images/x.img",
                "--version", "1.1.0", "--min-version", "1.0.0", "--compatible", "trialboot-riscv64-virt",
                "--system-set", p(tool.built().resolve("system.nxs")), "--policy", p(tool.input("policy.json")),
                "--key", p(tool.key("release.key")), "--out", p(dir.resolve("out/never.nxm"))));
        int i = a.indexOf(option);
        if (i < 0) {
            a.addAll(List.of(option, value));
        } else {
            a.set(i + 1, value);
        }
        return a.toArray(String[]::new);
    }

    @Test
    void everyMissingInputFileIsHostNotFoundNamingOptionAndPath() {
        Path nope = dir.resolve("nope");
        List<String[]> lines = new ArrayList<>();
        for (String option : List.of("--image", "--system-set", "--policy", "--key", "--delta", "--base-image")) {
            lines.add(release(option, p(nope)));
        }
        lines.add(new String[] {"bundle", "pack", "--name", "hello", "--version", "1.0.0", "--publisher", "me", "--start", "java",
                "--payload", p(nope), "--out", p(dir.resolve("out/never.nxb"))});
        lines.add(new String[] {"system", "pack", "--bundles", p(tool.built().resolve("bundles")), "--meta", p(nope),
                "--key", p(tool.key("release.key")), "--out", p(dir.resolve("out/never.nxs"))});
        lines.add(new String[] {"feed", "--json", p(nope), "--updates", p(tool.built().resolve("updates")),
                "--key", p(tool.key("release.key")), "--out", p(dir.resolve("out/never.nxf"))});
        lines.add(new String[] {"sign", "--key", p(nope), p(tool.built().resolve("updates/manifests/1.1.0.nxm"))});
        lines.add(new String[] {"verify", "--state", p(tool.state()), "--base", p(nope),
                p(tool.built().resolve("updates/manifests/1.1.0.nxm"))});
        for (String[] line : lines) {
            Result r = run(line);
            String option = line[List.of(line).indexOf(p(nope)) - 1];
            assertEquals(1, r.status(), String.join(" ", line));
            assertEquals("error HOST_NOT_FOUND: " + option + ": no such file: " + nope + "\n", r.err(), String.join(" ", line));
        }
        for (String[] line : List.of(new String[] {"verify", "--state", p(tool.state()), p(nope)},
                new String[] {"inspect", p(nope)}, new String[] {"sign", "--key", p(tool.key("release.key")), p(nope)})) {
            assertEquals("error HOST_NOT_FOUND: FILE: no such file: " + nope + "\n", run(line).err(), String.join(" ", line));
        }
        assertTrue(Files.notExists(dir.resolve("out")));
    }

    @Test
    void aDirectoryGivenForAFileAndAMissingDirectoryAreHostNotFound() {
        Result r = run("verify", "--state", p(tool.state()), p(tool.built()));
        assertEquals(1, r.status());
        assertEquals("error HOST_NOT_FOUND: FILE: not a file: " + tool.built() + " is a directory\n", r.err());
        Result state = run("verify", "--state", p(dir.resolve("no-state")), p(tool.built().resolve("system.nxs")));
        assertEquals("error HOST_NOT_FOUND: --state: no such directory: " + dir.resolve("no-state") + "\n", state.err());
        Result bundles = run("system", "pack", "--bundles", p(tool.input("policy.json")), "--meta", p(tool.input("system.json")),
                "--key", p(tool.key("release.key")), "--out", p(dir.resolve("out/never.nxs")));
        assertEquals("error HOST_NOT_FOUND: --bundles: not a directory: " + tool.input("policy.json") + "\n", bundles.err());
    }

    @Test
    void aUsageErrorIsOneCodedLineAndTheSynopsis() {
        Result r = run("release", "--image", p(tool.input("1.1.0.img")), "--delta", p(tool.input("1.0.0-1.1.0.nxdelta")),
                "--version", "1.1.0", "--min-version", "1.0.0", "--compatible", "c", "--system-set",
                p(tool.built().resolve("system.nxs")), "--policy", p(tool.input("policy.json")), "--key",
                p(tool.key("release.key")), "--out", p(dir.resolve("out/never.nxm")));
        assertEquals(2, r.status());
        String[] lines = r.err().split("\n");
        assertEquals("error MALFORMED_INPUT: usage: --delta, --delta-path and --base-image go together (exit status 2)", lines[0]);
        assertTrue(lines[1].startsWith("Usage: trialboot release [-h] "), lines[1]);
        assertEquals("'trialboot release --help' lists every option.", lines[lines.length - 1]);
        assertTrue(lines.length < 12, r.err());
        assertEquals("", r.out());
        Result missing = run("keygen", "--out", p(dir.resolve("out")));
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("error MALFORMED_INPUT: usage: Missing required option: '--name=<name>' (exit status 2)\n"
                + "Usage: trialboot keygen "), missing.err());
        Result unknown = run("verify", "--state", p(tool.state()), p(tool.built().resolve("system.nxs")), "--bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("error MALFORMED_INPUT: usage: "), unknown.err());
        assertTrue(Files.notExists(dir.resolve("out")));
    }

    @Test
    void aKeyNameIsAPlainFileName() throws Exception {
        Path keys = dir.resolve("names/keys");
        for (String name : List.of("", ".", "..", "../escaped", "a/b", ".hidden", "-dash", "sp ace", "x".repeat(65))) {
            Result r = run("keygen", "--out", p(keys), "--name", name);
            assertEquals(1, r.status(), name);
            assertTrue(r.err().startsWith("error MALFORMED_INPUT: key name '" + name + "' is not a plain file name"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("names")), "nothing written, inside --out or beside it");
        ok("keygen", "--out", p(keys), "--name", "release-2.v1_x");
        try (Stream<Path> s = Files.list(keys)) {
            assertEquals(List.of("release-2.v1_x.key", "release-2.v1_x.pub"),
                    s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aWriteThatFailsSaysWhyWithoutAJavaExceptionName() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Result r = run("keygen", "--out", p(file.resolve("sub")), "--name", "k");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_IO_ERROR: cannot write keys in " + file.resolve("sub") + ": "), r.err());
        assertFalse(r.err().contains("java."), r.err());
    }
}
