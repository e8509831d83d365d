package io.trialboot.bench;

import io.trialboot.harness.GuestImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The benchmarks' floor: the guest's kernel with the tiny initramfs the image build puts beside the
 * real one ({@code floor_initrd} in its {@code guest.properties}), whose {@code /init} prints {@link #LINE}.
 */
final class FloorImage {
    static final String LINE = "floor: init reached";

    private FloorImage() {}

    /** The floor of {@code image}, whose {@code guest.properties} is {@code properties}. */
    static GuestImage of(GuestImage image, Path properties) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(properties)) {
            p.load(in);
        }
        return new GuestImage(image.kernel(), properties.resolveSibling(p.getProperty("floor_initrd")), image.disk(),
                Optional.empty(), image.append());
    }
}
