package io.trialboot.image;

import static io.trialboot.image.Stage0Chain.POLICY;
import static io.trialboot.image.Stage0Chain.indexOf;
import static io.trialboot.image.Stage0Chain.writeSlot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The slot and the manifest it keeps, through stage 0's verifier ({@link Stage0Chain}: verify.sh under host
 * busybox against chains the Java tools make): the good chain gives exactly the signed dm-verity table line;
 * a slot or a manifest that is not the signed one gets its own code, in the slot's scope, and no table line.
 */
@ExtendWith(Stage0ChainExtension.class)
class VerifyScriptSlotTest {
    @Test
    void theVerifiedChainGivesTheSignedVerityTableLine(Stage0Chain chain) throws Exception {
        chain.assertVerified();
    }

    @Test
    void wrongRootHashIsRefused(Stage0Chain chain) throws Exception {
        chain.signWithOneBitFlippedIn(chain.verity().rootHash().bytes());
        chain.assertRefused("VERITY_ROOT_MISMATCH");
    }

    @Test
    void truncatedRootHashIsRefused(Stage0Chain chain) throws Exception {
        byte[] m = chain.manifestBytes();
        int at = indexOf(m, chain.verity().rootHash().bytes());
        byte[] cut = new byte[m.length - 1];
        System.arraycopy(m, 0, cut, 0, at + 31);
        System.arraycopy(m, at + 32, cut, at + 31, m.length - at - 32);
        cut[at - 1] = 31;
        chain.sign(cut, List.of(chain.keys().release()));
        chain.assertRefused("SCHEMA_VIOLATION");
    }

    @Test
    void flippedSaltIsRefused(Stage0Chain chain) throws Exception {
        chain.signWithOneBitFlippedIn(chain.verity().salt().bytes());
        chain.assertRefused("VERITY_SALT_MISMATCH");
    }

    @Test
    void rewrittenSlotWithItsOwnTreeIsRefused(Stage0Chain chain) throws Exception {
        writeSlot(chain.slot(), (byte) 8);
        chain.assertRefused("VERITY_ROOT_MISMATCH");
    }

    @Test
    void aSlotWithoutAKeptManifestOrVerityMapIsUnverifiable(Stage0Chain chain) throws Exception {
        Sha256 image = Sha256.of(Files.readAllBytes(chain.slot()));
        long size = Files.size(chain.slot());
        chain.sign(new ReleaseManifest(Version.parse("1.0.0"), Version.parse("1.0.0"), FactoryState.COMPATIBLE,
                chain.keys().release().keyId(), Artifact.image(image, size), POLICY, POLICY,
                List.of(Artifact.full("images/a.img", image, size))).encode(), List.of(chain.keys().release()));
        chain.assertRefused("SLOT_UNVERIFIABLE");
        Files.delete(chain.manifest());
        chain.assertRefused("SLOT_UNVERIFIABLE");
    }

    @Test
    void signedBytesThatAreNotCanonicalCborAreRefused(Stage0Chain chain) throws Exception {
        byte[] m = chain.manifestBytes();
        byte[] trailing = Arrays.copyOf(m, m.length + 1);
        chain.sign(trailing, List.of(chain.keys().release()));
        chain.assertRefused("CBOR_TRAILING_BYTES");
    }

    @Test
    void signedTextThatIsShellIsOnlyEverData(Stage0Chain chain) throws Exception {
        byte[] m = chain.manifestBytes();
        byte[] compatible = FactoryState.COMPATIBLE.getBytes(StandardCharsets.US_ASCII);
        byte[] shell = "';VERIFY_TABLE=pwned;'".getBytes(StandardCharsets.US_ASCII);
        assertEquals(compatible.length, shell.length);
        System.arraycopy(shell, 0, m, indexOf(m, compatible), shell.length);
        chain.sign(m, List.of(chain.keys().release()));
        chain.assertRefused("COMPATIBLE_MISMATCH");
    }
}
