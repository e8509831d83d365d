package io.trialboot.image;

import io.trialboot.tools.Keys;
import io.trialboot.tools.SigningKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The release fixtures' test keys, generated fresh by every uncached build ({@link Keys#generate}):
 * {@code test-root} (pinned in the state tree, signs only the admission record),
 * {@code test-release-1} (admitted, signs every good release) and {@code test-release-revoked}
 * (listed as revoked, signs the {@code revoked-key} hostile input). The private keys live only
 * under {@code guest-image/target/} and the build cache, never in the repository.
 */
record FixtureKeys(SigningKey root, SigningKey release, SigningKey revoked) {
    static final String ROOT = "test-root";
    static final String RELEASE = "test-release-1";
    static final String REVOKED = "test-release-revoked";
    /** The key files written into {@code dir}, for the build's outputs. */
    static final List<String> FILES = List.of(ROOT + ".key", ROOT + ".pub", RELEASE + ".key", RELEASE + ".pub",
            REVOKED + ".key", REVOKED + ".pub");

    FixtureKeys {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(revoked, "revoked");
    }

    /** Generates the three key pairs into {@code dir} ({@code <name>.key} mode 0600, {@code <name>.pub}). */
    static FixtureKeys generate(Path dir) {
        return new FixtureKeys(Keys.generate(dir, ROOT), Keys.generate(dir, RELEASE), Keys.generate(dir, REVOKED));
    }
}
