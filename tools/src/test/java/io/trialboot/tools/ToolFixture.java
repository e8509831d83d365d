package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.delta.maker.DeltaMaker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The files an image build produces, made by the CLI from fixed inputs under {@code dir}: three keys
 * (root, release, other), a state tree admitting the release key, and, in {@link #built}, a bundle,
 * a system set, a signed release (full image and delta) and a feed. What the CLI tests verify,
 * inspect and tamper with (on their own copy).
 *
 * @param dir the temporary directory everything is under
 * @param in the authoring inputs: policy, system and feed JSON, the bundle's payload, images and the delta
 * @param keys the generated keys, {@code <name>.key} and {@code <name>.pub}
 * @param state the host state tree the release key is admitted in
 * @param built the build's outputs: {@code bundles/}, {@code system.nxs}, {@code updates/}
 */
record ToolFixture(Path dir, Path in, Path keys, Path state, Path built) {

    /** What one CLI run returned and printed. */
    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = TrialbootTool.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** {@link #run}, which must exit 0. */
    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    static String p(Path path) {
        return path.toString();
    }

    /** Generates the keys and inputs under {@code dir} and builds once into {@code dir/built}. */
    static ToolFixture create(Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path keys = dir.resolve("keys");
        Path state = dir.resolve("state");
        ok("keygen", "--out", p(keys), "--name", "root");
        ok("keygen", "--out", p(keys), "--name", "release");
        ok("keygen", "--out", p(keys), "--name", "other");
        Files.writeString(in.resolve("policy.json"), "{\"allow_downgrade\": false}\n");
        ok("admit", "--root-key", p(keys.resolve("root.key")), "--key", p(keys.resolve("release.pub")),
                "--compatible", "trialboot-riscv64-virt", "--policy", p(in.resolve("policy.json")), "--state", p(state));
        Files.write(in.resolve("hello.jar"), "jar bytes".getBytes(StandardCharsets.UTF_8));
        Files.writeString(in.resolve("system.json"), "{\"version\": \"1.1.0\", \"publisher\": \"trialboot dev\"}");
        Files.writeString(in.resolve("stable.json"), "{\"channel\": \"stable\", \"manifests\": [\"manifests/1.1.0.nxm\"]}");
        byte[] image = new byte[100_000];
        image[99] = 9;
        Files.write(in.resolve("1.1.0.img"), image);
        Files.write(in.resolve("base.img"), new byte[90_000]);
        try (OutputStream d = Files.newOutputStream(in.resolve("1.0.0-1.1.0.nxdelta"))) {
            new DeltaMaker().make(in.resolve("base.img"), in.resolve("1.1.0.img"), d);
        }
        ToolFixture f = new ToolFixture(dir, in, keys, state, dir.resolve("built"));
        f.build(f.built());
        return f;
    }

    /** The key file {@code name} ({@code release.key}, {@code other.pub}, ...). */
    Path key(String name) {
        return keys.resolve(name);
    }

    /** The authoring input {@code name} ({@code policy.json}, {@code base.img}, ...). */
    Path input(String name) {
        return in.resolve(name);
    }

    /** Builds bundle, system set, release and feed from the inputs into {@code out}; returns it. */
    Path build(Path out) throws IOException {
        Path updates = out.resolve("updates");
        Files.createDirectories(out.resolve("bundles"));
        Files.createDirectories(updates.resolve("images"));
        Files.createDirectories(updates.resolve("deltas"));
        Files.copy(input("1.1.0.img"), updates.resolve("images/1.1.0.img"));
        Files.copy(input("1.0.0-1.1.0.nxdelta"), updates.resolve("deltas/1.0.0-1.1.0.nxdelta"));
        ok("bundle", "pack", "--name", "hello", "--version", "1.0.0", "--publisher", "trialboot dev", "--ability", "console",
                "--start", "java -jar payload.jar", "--payload", p(input("hello.jar")),
                "--out", p(out.resolve("bundles/hello.nxb")));
        ok("system", "pack", "--bundles", p(out.resolve("bundles")), "--meta", p(input("system.json")),
                "--key", p(key("release.key")), "--out", p(out.resolve("system.nxs")));
        release(out);
        ok("feed", "--json", p(input("stable.json")), "--updates", p(updates),
                "--key", p(key("release.key")), "--out", p(updates.resolve("feeds/stable.nxf")));
        return out;
    }

    /** Signs the release over the image and delta under {@code out}/updates. */
    void release(Path out) {
        Path updates = out.resolve("updates");
        ok("release", "--image", p(updates.resolve("images/1.1.0.img")), "--full-path", "images/1.1.0.img",
                "--delta", p(updates.resolve("deltas/1.0.0-1.1.0.nxdelta")), "--delta-path", "deltas/1.0.0-1.1.0.nxdelta",
                "--base-image", p(input("base.img")), "--version", "1.1.0", "--min-version", "1.0.0",
                "--compatible", "trialboot-riscv64-virt", "--system-set", p(out.resolve("system.nxs")),
                "--policy", p(input("policy.json")), "--key", p(key("release.key")),
                "--out", p(updates.resolve("manifests/1.1.0.nxm")));
    }

    /** A copy of {@link #built} as {@code dir/name}, for a test to tamper with. */
    Path copyOfBuilt(String name) throws IOException {
        return copyTree(built, dir.resolve(name));
    }

    /** Copies the tree {@code from} as {@code to}; returns {@code to}. */
    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : s.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
        return to;
    }
}
