package io.trialboot.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void aFullApplyReportsEveryStepAndTheEnd() throws IOException {
        int mib = 1 << 20; // FullApply writes 1 MiB at a time
        byte[] image = new byte[10 * mib + 123];
        new Random(7).nextBytes(image);
        MemoryBlockDevice slot = new MemoryBlockDevice(image.length + 4096);
        List<Progress> seen = new ArrayList<>();
        BlockDevice out = Progress.reporting(slot, Slot.B, image.length, 3L * mib, seen::add);
        FullApply.write(new ByteArrayInputStream(image), out, new SlotImage(Sha256.of(image), image.length));
        assertEquals(List.of(3L * mib, 6L * mib, 9L * mib, (long) image.length),
                seen.stream().map(Progress::written).toList());
        assertEquals(new Progress(Slot.B, image.length, image.length), seen.get(3));
        assertArrayEquals(image, slot.prefix(image.length), "the writes reached the slot");
    }

    @Test
    void oneLargeWriteCrossingSeveralStepsGivesOneLine() {
        List<Progress> seen = new ArrayList<>();
        BlockDevice out = Progress.reporting(new MemoryBlockDevice(1000), Slot.A, 1000, 100, seen::add);
        out.write(0, java.nio.ByteBuffer.allocate(350));
        out.write(350, java.nio.ByteBuffer.allocate(10));
        out.write(360, java.nio.ByteBuffer.allocate(40));
        assertEquals(List.of(350L, 400L), seen.stream().map(Progress::written).toList());
    }

    @Test
    void noListenerMeansTheDeviceItself() {
        MemoryBlockDevice d = new MemoryBlockDevice(10);
        assertSame(d, Progress.reporting(d, Slot.A, 10, 1, Progress.Listener.NONE));
    }

    @Test
    void theLineRoundTripsAndIsNoCatalogMarker() {
        Progress p = new Progress(Slot.B, 8L << 20, 90_177_536);
        assertEquals("update: progress slot=b written=8388608 total=90177536", p.line());
        assertEquals(Optional.of(p), Progress.parse(p.line()));
        for (Marker m : Marker.values()) {
            assertTrue(LinePattern.of(m).match(p.line(), Map.of()).isEmpty(), "progress line matches marker " + m);
        }
    }

    @Test
    void parseRefusesOtherLines() {
        assertEquals(Optional.empty(), Progress.parse("update: apply ok slot=b kind=full"));
        assertEquals(Optional.empty(), Progress.parse("update: progress slot=c written=1 total=2"));
        assertEquals(Optional.empty(), Progress.parse("update: progress slot=a written=3 total=2"));
        assertEquals(Optional.empty(), Progress.parse("update: progress slot=a written=01 total=2"));
    }

    @Test
    void refusesProgressBeyondTheTotal() {
        assertEquals("bad progress 3 of 2", assertThrows(IllegalArgumentException.class,
                () -> new Progress(Slot.A, 3, 2)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Progress.reporting(new MemoryBlockDevice(1), Slot.A, 1, 0, p -> { }));
    }
}
