package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The release fixtures on small fake slot images (96 KiB, each release's a little different), for host tests. */
final class SmallFixtures {
    private SmallFixtures() {}

    /** Fresh keys, one image and the real signed system set per release, under {@code dir}. */
    static ReleaseMedia.Inputs inputs(Path dir) throws IOException {
        FixtureKeys keys = FixtureKeys.generate(dir.resolve("keys"));
        Map<Fixture, Path> images = new LinkedHashMap<>();
        Map<Fixture, Path> sets = new LinkedHashMap<>();
        byte[] image = new byte[96 * 1024];
        new Random(5).nextBytes(image);
        for (Fixture f : Fixture.ALL) {
            sets.put(f, f.systemSet(new byte[] {1, 2, 3}, keys.release(), dir.resolve("system/" + f.version())));
            byte[] v = image.clone();
            v[1000 * Fixture.ALL.indexOf(f)] ^= 0x55; // each release's image differs a little from the others
            images.put(f, Files.write(dir.resolve(f.imageName()), v));
        }
        return new ReleaseMedia.Inputs(images, sets, keys, Sha256.of("policy".getBytes(StandardCharsets.UTF_8)));
    }

    /** The factory state tree for {@code in} in the new directory {@code state}. */
    static Path factoryState(ReleaseMedia.Inputs in, Path state) throws IOException {
        Files.createDirectories(state);
        Path factory = in.image(Fixture.FACTORY);
        FactoryState.write(state, "test-host", in.keys(), in.policy(), Fixture.FACTORY.version(),
                FileDigests.sha256(factory), Files.size(factory));
        return state;
    }
}
