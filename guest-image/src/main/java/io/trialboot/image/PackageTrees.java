package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The image build's {@code unpack} stage: the Debian packages unpacked with {@code dpkg-deb -x} into
 * the three trees the later stages read, under the work directory: the kernel's package
 * ({@link ImageBuild#KERNEL_ROOT}), the slots' root file system ({@link ImageBuild#ROOTFS}) and stage 0's
 * tools ({@link ImageBuild#INITRAMFS_ROOT}).
 */
final class PackageTrees {
    private PackageTrees() {}

    /**
     * Unpacks {@code packages} into a fresh {@code work} directory: the kernel's package (as big as all
     * the others) on a thread of its own beside the other two trees, each tree's packages one after
     * another in the packages' order.
     */
    static void unpack(Path work, List<DebianPackage> packages, String kernelPackage) {
        try {
            SquashfsSlotBuilder.deleteTree(work);
            Path kernelRoot = Files.createDirectories(work.resolve(ImageBuild.KERNEL_ROOT));
            Path rootfs = Files.createDirectories(work.resolve(ImageBuild.ROOTFS));
            Path initramfsRoot = Files.createDirectories(work.resolve(ImageBuild.INITRAMFS_ROOT));
            CompletableFuture<Void> kernel = CompletableFuture.runAsync(() -> packages.stream()
                    .filter(p -> p.name().equals(kernelPackage)).forEach(p -> unpack(work, p, kernelRoot)));
            packages.stream().filter(p -> ImageBuild.ROOTFS_PACKAGES.contains(p.name())).forEach(p -> unpack(work, p, rootfs));
            packages.stream().filter(p -> Stage0Tools.PACKAGES.contains(p.name())).forEach(p -> unpack(work, p, initramfsRoot));
            ImageBuild.joined(kernel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unpack(Path work, DebianPackage p, Path tree) {
        Tools.run(List.of("dpkg-deb", "-x", p.file().toString(), tree.toString()), work, Duration.ofMinutes(5));
    }
}
