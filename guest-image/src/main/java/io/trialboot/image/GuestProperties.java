package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build's two property files beside its outputs: {@code guest.properties} (what the harness and
 * scripts/vm boot, and {@code libjvm}: where the guest's JVM library lies in a slot, {@link GuestJdk#LIBJVM},
 * whose first block StartLoopIT corrupts) and {@code hostile.properties} (the hostile inputs on the update media, each with
 * the code the device must answer; {@code HostileInputIT} runs them).
 */
final class GuestProperties {
    private GuestProperties() {}

    static void write(Path out) {
        String text = String.join("\n",
                "# Written by the guest-image build: what the harness and scripts/vm boot.",
                "kernel=vmlinux", "initrd=initrd.img", "floor_initrd=floor-initrd.img", "disk=disk.img",
                "append=" + ImageBuild.KERNEL_APPEND, "factory_version=" + ImageBuild.FACTORY_VERSION,
                "media=" + ImageBuild.MEDIA, "libjvm=/" + GuestJdk.LIBJVM, "");
        StringBuilder hostile = new StringBuilder(
                "# The hostile inputs on the update media: case=<manifest under updates/> <code the device must answer>"
                        + " <stage|apply: refused before writing, or while writing the inactive slot>\n");
        for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
            hostile.append(h.id()).append('=').append(h.inputPath()).append(' ').append(h.expected()).append(' ')
                    .append(h.phase()).append('\n');
        }
        try {
            Files.writeString(out.resolve("guest.properties"), text);
            Files.writeString(out.resolve("hostile.properties"), hostile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
