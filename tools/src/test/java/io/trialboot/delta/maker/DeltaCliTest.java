package io.trialboot.delta.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.delta.maker.DeltaFixtures.ImagePair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delta command line (make, apply, full), which the benchmarks run. */
class DeltaCliTest {
    @TempDir
    Path dir;

    @Test
    void commandLineMakesAndAppliesLikeTheGuest() throws IOException {
        ImagePair p = DeltaFixtures.shiftedPair();
        Path src = dir.resolve("a.img");
        Path tgt = dir.resolve("b.img");
        Files.write(src, p.source());
        Files.write(tgt, p.target());
        String made = DeltaCli.run(new String[] {"make", src.toString(), tgt.toString(), dir.resolve("d").toString()});
        assertTrue(made.startsWith("delta_bytes=" + Files.size(dir.resolve("d")) + " copy_ops="), made);
        String applied = DeltaCli.run(new String[] {"apply", dir.resolve("d").toString(), src.toString(),
                dir.resolve("out.img").toString()});
        assertTrue(applied.startsWith("applied_bytes=" + p.target().length + " ms="), applied);
        assertArrayEquals(p.target(), Files.readAllBytes(dir.resolve("out.img")));
        String full = DeltaCli.run(new String[] {"full", tgt.toString(), dir.resolve("full.img").toString()});
        assertTrue(full.startsWith("applied_bytes=" + p.target().length + " sha256=" + Sha256.of(p.target())), full);
        assertThrows(IllegalArgumentException.class, () -> DeltaCli.run(new String[] {"bogus", "x", "y", "z"}));
    }
}
