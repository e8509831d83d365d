package io.trialboot.image;

import static io.trialboot.image.Stage0Chain.POLICY;
import static io.trialboot.image.Stage0Chain.flip;
import static io.trialboot.image.Stage0Chain.indexOf;
import static io.trialboot.image.Stage0Chain.sig;
import static io.trialboot.image.Stage0Chain.writeAdmission;

import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Keys;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.WitnessMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who signed the slot's manifest, through stage 0's verifier ({@link Stage0Chain}): a key the admission
 * record does not admit, a revoked key, bytes changed after signing, a signature file that is not one,
 * a quorum short by one, self-authority: each its own code and no table line.
 */
@ExtendWith(Stage0ChainExtension.class)
class VerifyScriptSignerTest {
    @Test
    void manifestSignedByAKeyNotAdmittedIsRefused(Stage0Chain chain) throws Exception {
        chain.sign(chain.manifestBytes(), List.of(Keys.generate(chain.dir().resolve("stranger"), "stranger")));
        chain.assertRefused("KEY_UNKNOWN");
        chain.sign(chain.manifestBytes(), List.of(chain.keys().root()));
        chain.assertRefused("KEY_NOT_ADMITTED");
    }

    @Test
    void manifestSignedByARevokedKeyIsRefused(Stage0Chain chain) throws Exception {
        chain.sign(chain.manifestBytes(), List.of(chain.keys().revoked()));
        chain.assertRefused("KEY_REVOKED");
    }

    @Test
    void manifestChangedAfterSigningIsRefused(Stage0Chain chain) throws Exception {
        byte[] m = chain.manifestBytes();
        byte[] sig = Packaging.sign(m, List.of(chain.keys().release()));
        flip(m, indexOf(m, chain.verity().rootHash().bytes()));
        Files.write(chain.manifest(), m);
        Files.write(sig(chain.manifest()), sig);
        chain.assertRefused("SIG_INVALID");
    }

    @Test
    void garbageOrOversizeSignatureFilesAreRefused(Stage0Chain chain) throws Exception {
        byte[] good = Files.readAllBytes(sig(chain.manifest()));
        byte[] garbage = good.clone();
        garbage[3] ^= 0x20;
        Files.write(sig(chain.manifest()), garbage);
        chain.assertRefused("SIG_LAYOUT_INVALID");
        Files.write(sig(chain.manifest()), Arrays.copyOf(good, good.length - 1));
        chain.assertRefused("SIG_LAYOUT_INVALID");
        Files.write(sig(chain.manifest()), new byte[4097]);
        chain.assertRefused("HOST_INPUT_OVERSIZE");
        Files.write(chain.admission().resolve("dam.sig"), "garbage".getBytes(StandardCharsets.US_ASCII));
        chain.assertRefused("SIG_LAYOUT_INVALID", "chain");
    }

    @Test
    void quorumShortByOneIsRefusedAndMetIsVerified(Stage0Chain chain) throws Exception {
        FixtureKeys keys = chain.keys();
        SigningKey second = Keys.generate(chain.dir().resolve("second"), "second");
        writeAdmission(chain.admission(), new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY,
                WitnessMode.QUORUM, 2, Map.of(keys.release().keyId(), keys.release().publicKey(), second.keyId(),
                        second.publicKey()), Set.of()), keys.root());
        byte[] m = chain.manifestBytes();
        chain.sign(m, List.of(keys.release()));
        chain.assertRefused("QUORUM_NOT_MET");
        SignatureFile.Entry once = new SignatureFile.Entry(keys.release().keyId(), keys.release().sign(m));
        Files.write(sig(chain.manifest()), new SignatureFile(List.of(once, once)).encode());
        chain.assertRefused("QUORUM_NOT_MET");
        chain.sign(m, List.of(keys.release(), second));
        chain.assertVerified();
    }

    @Test
    void selfAuthorityTakesTheAnchoredRoot(Stage0Chain chain) throws Exception {
        FixtureKeys keys = chain.keys();
        writeAdmission(chain.admission(), new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY,
                WitnessMode.SELF, 1, Map.of(), Set.of()), keys.root());
        chain.sign(chain.manifestBytes(chain.verity(), keys.root()), List.of(keys.root()));
        chain.assertVerified();
        chain.sign(chain.manifestBytes(), List.of(keys.root()));
        chain.assertRefused("SIGNER_MISMATCH");
    }
}
