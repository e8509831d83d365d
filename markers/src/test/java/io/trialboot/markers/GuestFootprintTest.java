package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The guest prints markers under emulation, where every class loaded costs time: printing one must
 * load only {@link Marker}, its parsed {@link MarkerTemplate}, {@link PlaceholderType} and the words of
 * its {@link BootMode}, never the contract code or the regex engine.
 * Checked on the class files' constant pools (the names a class can load).
 */
class GuestFootprintTest {
    private static final Pattern OWN = Pattern.compile("io/trialboot/markers/([A-Za-z0-9_$]+)");

    private static String classFile(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void markerPlaceholderTypeAndBootModeReferNoOtherModuleClassNorRegex() throws Exception {
        Set<String> referenced = new TreeSet<>();
        for (Class<?> c : new Class<?>[] {Marker.class, MarkerTemplate.class, PlaceholderType.class, BootMode.class}) {
            String bytes = classFile(c);
            Matcher m = OWN.matcher(bytes);
            while (m.find()) {
                referenced.add(m.group(1));
            }
            assertFalse(bytes.contains("java/util/regex"), c + " refers to java.util.regex");
        }
        assertEquals(Set.of("Marker", "MarkerTemplate", "PlaceholderType", "BootMode"), referenced);
    }
}
