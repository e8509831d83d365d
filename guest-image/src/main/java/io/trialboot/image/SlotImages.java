package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The slots' root file systems, staged from the unpacked root packages, the sources and the guest
 * jars: the part the releases share squashed once ({@link #common}) while the class archive is
 * trained on the factory slot ({@link #classArchive}), then every fixture's slot image
 * ({@link #build}): its own directories, with that archive, appended to a copy of the common image
 * ({@link SquashfsSlotBuilder}).
 */
final class SlotImages {
    /** Releases appended at once: mksquashfs uses every CPU, staging is disk-bound, so two overlap well on 2 cores. */
    static final int BUILDS_IN_PARALLEL = 2;

    private final Path work;
    private final Path rootfs;
    private final Path busybox;
    private final Path sources;
    private final List<Path> jars;
    private final ClassArchive.Maker classArchives;

    SlotImages(Path work, Path rootfs, Path sources, Path guestJars, ClassArchive.Maker classArchives) {
        this.work = work;
        this.rootfs = rootfs;
        this.busybox = rootfs.resolve("usr/bin/busybox");
        this.sources = sources;
        this.jars = jars(guestJars);
        this.classArchives = classArchives;
    }

    /**
     * The slots' class archive ({@link ClassArchive}; the same JRE and jars are in every slot, so one
     * serves all): trained on the factory slot, staged on its own, booting a training copy of the
     * factory state whose slot snapshot names the system set (the slot image is not built yet).
     */
    byte[] classArchive(Path factorySystemSet, ClassArchive.Training training, FixtureKeys keys, Sha256 policy) {
        try {
            Path dir = training.state().getParent();
            SquashfsSlotBuilder.deleteTree(dir);
            Path root = dir.resolve("root");
            SquashfsSlotBuilder.stage(rootfs, busybox, sources, jars, ImageBuild.FACTORY_VERSION, factorySystemSet, root);
            FactoryState.write(Files.createDirectories(training.state()), ImageBuild.HOST_ID, keys, policy,
                    Fixture.FACTORY.version(), FileDigests.sha256(factorySystemSet), Files.size(factorySystemSet));
            byte[] archive = classArchives.make(root, training, dir);
            SquashfsSlotBuilder.deleteTree(dir);
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Squashes the part of the slot root every release shares into {@code images/common.sqfs} and
     * returns it. It holds neither the class archive nor the system sets, so it can be made while
     * the class archive is trained.
     */
    Path common() {
        Path common = ImageBuild.createDirectories(work.resolve("images")).resolve("common.sqfs");
        long start = System.nanoTime();
        try {
            Path staging = work.resolve("slot-common");
            SquashfsSlotBuilder.stageCommon(rootfs, busybox, sources, staging);
            SquashfsSlotBuilder.squashCommon(staging, common);
            SquashfsSlotBuilder.deleteTree(staging);
            ImageBuild.log(String.format("slot images' common part: %d bytes (mksquashfs lz4) in %.1f s",
                    Files.size(common), (System.nanoTime() - start) / 1e9));
            return common;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends every fixture's own part of the slot root to a copy of the {@link #common} image,
     * {@link #BUILDS_IN_PARALLEL} at a time: the factory's image into {@code built/slot-a.img}, the
     * others into the work directory (they reach the outputs inside the media).
     */
    Map<Fixture, Path> build(Map<Fixture, Path> systemSets, byte[] classArchive, Path common, Path built) {
        Path imagesDir = ImageBuild.createDirectories(work.resolve("images"));
        ExecutorService pool = Executors.newFixedThreadPool(BUILDS_IN_PARALLEL);
        try {
            Map<Fixture, Future<Path>> pending = new LinkedHashMap<>();
            for (Fixture f : Fixture.ALL) {
                Path image = (f.equals(Fixture.FACTORY) ? built : imagesDir).resolve(f.imageName());
                pending.put(f, pool.submit(() -> one(f, systemSets.get(f), classArchive, common, image)));
            }
            Map<Fixture, Path> images = new LinkedHashMap<>();
            for (Map.Entry<Fixture, Future<Path>> e : pending.entrySet()) {
                images.put(e.getKey(), e.getValue().get());
            }
            return images;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageBuildException("interrupted while building the slot images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ImageBuildException("building a slot image failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Path one(Fixture f, Path systemSet, byte[] classArchive, Path common, Path image) throws IOException {
        long start = System.nanoTime();
        Path staging = work.resolve("slot-" + f.version());
        SquashfsSlotBuilder.stageRelease(rootfs, jars, f.version().toString(), systemSet, staging);
        Files.write(staging.resolve(ClassArchive.ARCHIVE), classArchive);
        SquashfsSlotBuilder.appendRelease(common, staging, image, ImageBuild::log);
        SquashfsSlotBuilder.deleteTree(staging);
        long size = Files.size(image);
        if (size > DiskImage.SLOT_SIZE) {
            throw new ImageBuildException("slot image v" + f.version() + " is " + size
                    + " bytes, over the slot partition's " + DiskImage.SLOT_SIZE);
        }
        ImageBuild.log(String.format("slot image v%s: %d bytes (mksquashfs lz4) in %.1f s", f.version(), size,
                (System.nanoTime() - start) / 1e9));
        return image;
    }

    private static List<Path> jars(Path guestJars) {
        try (Stream<Path> s = Files.list(guestJars)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
