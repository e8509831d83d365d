package io.trialboot.it;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where files lie in the built guest's slots, as the image build wrote them into the
 * {@code guest.properties} the ITs boot ({@link GuestImage#PROPERTY}): guest-image decides them
 * (the guest's JDK: its {@code GuestJdk}), the ITs never name them.
 */
final class SlotFacts {
    private SlotFacts() {}

    /** The guest JVM's shared library, an absolute path in a slot's root: every start of {@code java} loads it. */
    static String libjvm() {
        return libjvm(Path.of(System.getProperty(GuestImage.PROPERTY)));
    }

    static String libjvm(Path properties) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID, "cannot read " + properties + ": " + e.getMessage(), e);
        }
        String value = p.getProperty("libjvm", "").trim();
        if (!value.startsWith("/")) {
            throw new HarnessException(HarnessCode.IMAGE_INVALID, properties + ": libjvm '" + value
                    + "' is no absolute path in the slot (an image built before it was written: build it again)");
        }
        return value;
    }
}
