package io.trialboot.image;

import io.trialboot.core.Sha256;
import io.trialboot.guest.MediaInputs;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.Ed25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Builds the guest (run by the Maven build in the {@code package} phase):
 * <ol>
 *   <li>resolve and fetch the Debian trixie riscv64 packages (signed index, cached);</li>
 *   <li>compute the cache key over every input; on a hit, link the cached outputs and stop;</li>
 *   <li>unpack with {@code dpkg-deb -x} ({@link PackageTrees}); then {@link #assemble}, one timed stage at a time
 *       ({@link BuildStages}): derive the test keys from their fixed seed ({@link FixtureKeys});
 *       build the initramfs, which anchors the root's public key; compile the demo bundle ({@link DemoBundle}) and pack each release's
 *       signed system set ({@link Fixture}); train and dump the slots' class archive ({@link ClassArchive})
 *       while the part of the slot root the releases share is squashed once; append each release's own
 *       part to a copy of it for the four slot images v1.0.0..v1.3.0, two at a time ({@link SlotImages}); lay down the factory state tree ({@link FactoryState}) and the disk;</li>
 *   <li>sign the releases, the delta and the feed ({@link ReleaseMedia}), write the guest cases of the
 *       hostile-input corpus ({@link HostileCorpus}), prove both on the host ({@link FixtureCheck}), and build the update
 *       media ({@link MediaImage});</li>
 *   <li>write {@code guest.properties} (what the harness and scripts/vm boot) and
 *       {@code build-manifest.json} (every input and output with its SHA-256, and every file on
 *       the media).</li>
 * </ol>
 * The same inputs give the same bytes in every output (docs/reproducibility.md).
 */
public final class ImageBuild {
    static final String FACTORY_VERSION = Fixture.FACTORY.version().toString();
    /** The update policy whose digest the admission record pins and every release names. */
    static final String POLICY = "releases/policy";
    static final String KEYS_DIR = "keys";
    static final String MEDIA = "media.img";
    /** Every built disk starts with this host id (the state tree is part of the reproducible image). */
    static final String HOST_ID = "trialboot-factory";
    static final List<String> ROOTFS_PACKAGES = List.of("busybox-static", GuestJdk.PACKAGE, "libc6",
            "libgcc-s1", "libstdc++6", "zlib1g");
    /** Bump when the recipe changes in a way the inputs below do not capture. */
    static final String RECIPE = "trialboot.image-recipe/1";
    /** The build's outputs but its manifest, linked into the output directory on a hit as on a miss. */
    static final List<String> IMAGES = Stream.concat(
            Stream.of("vmlinux", "initrd.img", "floor-initrd.img", "slot-a.img", "disk.img", "media.img"),
            FixtureKeys.FILES.stream().map(f -> KEYS_DIR + "/" + f)).toList();
    static final List<String> OUTPUTS = Stream.concat(IMAGES.stream(), Stream.of("build-manifest.json")).toList();
    /** The assembly stages {@link #build} times, in order (see {@link BuildStages}). */
    static final List<String> STAGES = List.of("unpack", "kernel and initramfs", "system sets", "class archive", "slot images",
            "state and disk", "releases and feed", "hostile inputs", "host check", "media", "manifest");
    /** Where {@code unpack} puts the kernel package and the root file system's packages, under the work directory. */
    static final String KERNEL_ROOT = "kernel-root";
    static final String ROOTFS = "rootfs";
    /** Where {@code unpack} puts the initramfs tools' packages ({@link Stage0Tools}), apart from the slots' root. */
    static final String INITRAMFS_ROOT = "initramfs-root";
    static final String KERNEL_APPEND = "console=ttyS0 no5lvl quiet panic=-1";

    private final Path out;
    private final Path work;
    private final Path guestJars;
    private final Path sources;
    private final Path cacheDir;
    private final ClassArchive.Maker classArchives;

    ImageBuild(Path out, Path work, Path guestJars, Path sources, Path cacheDir) {
        this(out, work, guestJars, sources, cacheDir, ClassArchive::dump);
    }

    ImageBuild(Path out, Path work, Path guestJars, Path sources, Path cacheDir, ClassArchive.Maker classArchives) {
        this.classArchives = classArchives;
        this.out = out;
        this.work = work;
        this.guestJars = guestJars;
        this.sources = sources;
        this.cacheDir = cacheDir;
    }

    public static void main(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("usage: ImageBuild --out=DIR --work=DIR --guest-jars=DIR --sources=DIR [--cache=DIR]");
            }
            opts.put(a.substring(2, eq), a.substring(eq + 1));
        }
        new ImageBuild(Path.of(opts.get("out")), Path.of(opts.get("work")), Path.of(opts.get("guest-jars")),
                Path.of(opts.get("sources")), BuildCache.dir(opts.getOrDefault("cache", ""))).run();
    }

    void run() {
        long start = System.nanoTime();
        log("cache: " + cacheDir);
        DebianPackages apt = new DebianPackages(cacheDir, ImageBuild::log);
        apt.update(DebianMirror.find(Path.of("/etc/apt")));
        String kernelPackage = apt.resolveDependency("linux-image-riscv64", "linux-image-");
        List<String> names = new ArrayList<>(List.of(kernelPackage));
        names.addAll(ROOTFS_PACKAGES);
        Stage0Tools.PACKAGES.stream().filter(p -> !names.contains(p)).forEach(names::add);
        List<DebianPackage> packages = apt.fetch(names);

        List<BuildCache.Input> inputs = new ArrayList<>();
        inputs.add(new BuildCache.Input(RECIPE, Sha256.of(RECIPE.getBytes(StandardCharsets.UTF_8))));
        packages.forEach(p -> inputs.add(new BuildCache.Input("deb/" + p.name() + "_" + p.version(), p.sha256())));
        inputs.addAll(BuildCache.treeInputs("sources", sources.resolve("stage0")));
        inputs.addAll(BuildCache.treeInputs("sources", sources.resolve("slot")));
        inputs.addAll(BuildCache.treeInputs("sources/bundles", sources.resolve("bundles")));
        inputs.addAll(BuildCache.treeInputs("sources/releases", sources.resolve("releases")));
        inputs.addAll(BuildCache.treeInputs("guest-jars", guestJars));
        inputs.addAll(BuildCache.treeInputs("builder", builderClasses()));
        ModuleReduction reduction = ModuleReduction.find();
        inputs.add(reduction.cacheInput());
        String key = BuildCache.key(inputs);

        BuildCache cache = new BuildCache(cacheDir, ImageBuild::log);
        Path cached = cache.lookup(key).orElseGet(() -> cache.store(key, build(packages, kernelPackage, reduction, inputs, key)));
        BuildCache.linkInto(cached, out, OUTPUTS);
        GuestProperties.write(out);
        log(String.format("guest image ready in %s (key %s, %.1f s)", out, key.substring(0, 12), (System.nanoTime() - start) / 1e9));
    }

    private Path build(List<DebianPackage> packages, String kernelPackage, ModuleReduction reduction, List<BuildCache.Input> inputs,
            String key) {
        log("building the guest image (key " + key.substring(0, 12) + ")");
        BuildStages stages = new BuildStages(STAGES.size(), System::nanoTime, ImageBuild::log);
        stages.run(STAGES.get(0), () -> PackageTrees.unpack(work, packages, kernelPackage));
        return assemble(stages, packages, reduction, inputs, key);
    }

    /**
     * Everything after {@code unpack}: from the unpacked kernel package ({@code work/kernel-root})
     * and root file system packages ({@code work/rootfs}) to the outputs in {@code work/out}, which it
     * returns. Deterministic: the same unpacked trees, sources and jars give the same bytes
     * (docs/reproducibility.md; ImageAssemblyReproducibleTest runs it twice).
     */
    Path assemble(BuildStages stages, List<DebianPackage> packages, ModuleReduction reduction, List<BuildCache.Input> inputs,
            String key) {
        Path kernelRoot = work.resolve(KERNEL_ROOT);
        Path rootfs = work.resolve(ROOTFS);
        Path built = createDirectories(work.resolve("out"));
        Path busybox = rootfs.resolve("usr/bin/busybox");
        SlotImages slots = new SlotImages(work, rootfs, sources, guestJars, classArchives);
        FixtureKeys keys = FixtureKeys.generate(built.resolve(KEYS_DIR));
        Map<String, byte[]> roots = Map.of(FixtureKeys.ROOT + ".pub", Ed25519.toPem(keys.root().publicKey()));
        stages.run(STAGES.get(1), () -> kernelAndInitramfs(kernelRoot, busybox, reduction, roots, built));

        Sha256 policy = Sha256.of(Initramfs.read(sources.resolve(POLICY)));
        Map<Fixture, Path> systemSets = stages.run(STAGES.get(2), () -> systemSets(keys));
        // The slots' common part is squashed beside the class archive's training (neither needs the other).
        CompletableFuture<Path> common = CompletableFuture.supplyAsync(slots::common);
        byte[] classArchive = stages.run(STAGES.get(3), () -> slots.classArchive(systemSets.get(Fixture.FACTORY),
                new ClassArchive.Training(work.resolve("cds/state"), roots, sources.resolve("stage0/bootselect.sh"),
                        KERNEL_APPEND), keys, policy));
        Map<Fixture, Path> images = stages.run(STAGES.get(4), () -> slots.build(systemSets, classArchive, joined(common), built));
        Path slotA = images.get(Fixture.FACTORY);
        Path stateTree = work.resolve("state");
        ReleaseMedia.Inputs releases = new ReleaseMedia.Inputs(images, systemSets, keys, policy);
        stages.run(STAGES.get(5), () -> {
            createDirectories(stateTree);
            FactoryState.write(stateTree, HOST_ID, keys, policy, Fixture.FACTORY.version(), slotA);
            FactoryState.keepFactoryManifest(stateTree, ReleaseMedia.release(releases, Fixture.FACTORY,
                    Fixture.FACTORY.version(), Optional.of(ReleaseMedia.fullPath(Fixture.FACTORY.version())), List.of()));
            log("disk: GPT state/slot_a/slot_b, ext4 state, factory image in slot_a");
            DiskImage.build(built.resolve("disk.img"), stateTree, slotA, ImageBuild::log);
        });

        Path media = work.resolve("media");
        Path updates = MediaInputs.updates(media);
        stages.run(STAGES.get(6), () -> {
            ReleaseMedia.write(updates, releases, ImageBuild::log);
            RogueRoot.write(updates, releases);
        });
        stages.run(STAGES.get(7), () -> {
            for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
                h.write(updates, releases);
            }
            log("hostile inputs: " + HostileCorpus.inGuest().size() + " guest cases of the " + HostileCorpus.ALL.size()
                    + "-case corpus");
        });
        stages.run(STAGES.get(8), () -> new FixtureCheck(stateTree, updates, slotA, DiskImage.SLOT_SIZE,
                work.resolve("check")).run(releases).forEach(line -> log("check: " + line)));
        stages.run(STAGES.get(9), () -> {
            long mediaBytes = MediaImage.build(media, built.resolve(MEDIA), ImageBuild::log);
            log("media: " + MEDIA + " " + mediaBytes + " bytes (ext4, " + MediaImage.payloadBytes(media)
                    + " bytes of files)");
        });
        stages.run(STAGES.get(10), () -> BuildManifest.write(built.resolve("build-manifest.json"), key, packages, inputs,
                built, IMAGES, media));
        log(stages.summary());
        return built;
    }

    static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void kernelAndInitramfs(Path kernelRoot, Path busybox, ModuleReduction reduction, Map<String, byte[]> roots,
            Path built) {
        try {
            Files.copy(single(kernelRoot.resolve("boot"), "vmlinux-"), built.resolve("vmlinux"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KernelModules.ForInitramfs modules = KernelModules.forInitramfs(single(kernelRoot.resolve("usr/lib/modules"), ""),
                reduction, work.resolve("modules"), ImageBuild::log);
        log("initramfs: anchored roots " + roots.keySet());
        Map<String, byte[]> tools = Stage0Tools.files(work.resolve(INITRAMFS_ROOT));
        log("initramfs: stage-0 tools " + tools.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().length)
                .toList() + ", " + tools.values().stream().mapToLong(b -> b.length).sum() + " bytes");
        Initramfs.build(sources.resolve("stage0"), busybox, modules, roots, tools, built.resolve("initrd.img"));
        Initramfs.buildFloor(sources.resolve("stage0"), busybox, built.resolve("floor-initrd.img"));
    }

    /** Compiles the demo bundle and packs every fixture's signed system set. */
    private Map<Fixture, Path> systemSets(FixtureKeys keys) {
        byte[] payload = DemoBundle.build(sources.resolve("bundles/demo"), List.of(guestJars.resolve("updater.jar")),
                work.resolve("bundle"));
        log("keys: " + FixtureKeys.ROOT + " " + keys.root().keyId() + ", " + FixtureKeys.RELEASE + " "
                + keys.release().keyId() + ", " + FixtureKeys.REVOKED + " " + keys.revoked().keyId()
                + " (test keys from a fixed seed); demo bundle payload " + payload.length + " bytes");
        Map<Fixture, Path> systemSets = new LinkedHashMap<>();
        for (Fixture f : Fixture.ALL) {
            systemSets.put(f, f.systemSet(payload, keys.release(), work.resolve("system/" + f.version())));
        }
        return systemSets;
    }

    private static Path builderClasses() {
        try {
            Path self = Path.of(ImageBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(self) ? self.resolve("io/trialboot/image") : self;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path single(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            if (found.size() != 1) {
                throw new ImageBuildException("expected one " + prefix + "* in " + dir + ", found " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void log(String line) {
        System.out.println("[guest-image] " + line);
    }
}
