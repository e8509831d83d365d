package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BuildStagesTest {
    private final AtomicLong clock = new AtomicLong();
    private final List<String> lines = new ArrayList<>();

    private void advance(double seconds) {
        clock.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void oneLinePerStageAndASummary() {
        BuildStages stages = new BuildStages(2, clock::get, lines::add);
        assertEquals("built", stages.run("unpack", () -> {
            advance(4.25);
            return "built";
        }));
        stages.run("slot images", () -> advance(61.3));
        assertEquals(List.of("stage 1/2 unpack: 4.3 s", "stage 2/2 slot images: 61.3 s"), lines);
        assertEquals("assembled in 65.6 s: unpack 4.3 s, slot images 61.3 s", stages.summary());
    }

    @Test
    void aFailingStageIsReportedAndRethrown() {
        BuildStages stages = new BuildStages(3, clock::get, lines::add);
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> stages.run("media", () -> {
            advance(1);
            throw new ImageBuildException("mke2fs exited with 1");
        }));
        assertEquals("mke2fs exited with 1", e.getMessage());
        assertEquals(List.of("stage 1/3 media: 1.0 s (FAILED)"), lines);
        assertEquals("assembled in 0.0 s:", stages.summary());
    }

    @Test
    void moreStagesThanAnnouncedIsABug() {
        BuildStages stages = new BuildStages(1, clock::get, lines::add);
        stages.run("unpack", () -> { });
        assertThrows(IllegalStateException.class, () -> stages.run("extra", () -> { }));
        assertThrows(IllegalArgumentException.class, () -> new BuildStages(0, clock::get, lines::add));
    }
}
