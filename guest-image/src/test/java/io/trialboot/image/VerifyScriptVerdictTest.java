package io.trialboot.image;

import static io.trialboot.image.Stage0Chain.POLICY;
import static io.trialboot.image.Stage0Chain.VERIFIED;
import static io.trialboot.image.Stage0Chain.writeAdmission;
import static io.trialboot.image.Stage0Chain.writeSlot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Slot;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.WitnessMode;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stage 0's verdict ({@code verify_verdict}, in {@link io.trialboot.trust.Stage0Verdict}'s form), through
 * the verifier ({@link Stage0Chain}): written only after the chain and the slot verified, naming the record
 * by the bytes openssl verified, its root, the slot and its root hash.
 */
@ExtendWith(Stage0ChainExtension.class)
class VerifyScriptVerdictTest {
    /** Stage 0's verdict names the record the chain verified, by file and digest, its root, the slot and its root hash. */
    @Test
    void theVerdictNamesTheVerifiedRecordAndSlot(Stage0Chain chain) throws Exception {
        FixtureKeys keys = chain.keys();
        String expected = chain.verdict("dam.cbor", Slot.B) + "rc=0";
        assertEquals(expected, chain.run(VERIFIED + " verify_verdict b; echo \"rc=$?\""));
        Files.createDirectories(chain.dir().resolve("chain"));
        assertEquals(expected, chain.run("verify_begin \"$4\" \"$5\" \"$7\"; " + VERIFIED + " verify_verdict b; echo \"rc=$?\""));
        writeAdmission(chain.admission().resolve("000002"), new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN,
                FactoryState.COMPATIBLE, POLICY, WitnessMode.SINGLE, 1, Map.of(keys.release().keyId(),
                        keys.release().publicKey(), keys.revoked().keyId(), keys.revoked().publicKey()), Set.of()), keys.root());
        assertEquals(chain.verdict("000002/dam.cbor", Slot.A) + "rc=0",
                chain.run(VERIFIED + " verify_verdict a; echo \"rc=$?\""));
    }

    /** The verdict is of the bytes openssl verified: a record changed after the check does not change it. */
    @Test
    void theVerdictIsOfTheBytesTheChainVerifiedNotOfTheFileAfterwards(Stage0Chain chain) throws Exception {
        String expected = chain.verdict("dam.cbor", Slot.A) + "rc=0";
        assertEquals(expected, chain.run(VERIFIED + " printf x >> \"$4/dam.cbor\"; verify_verdict a; echo \"rc=$?\""));
    }

    /** No verdict unless the chain and the slot checked last verified. */
    @Test
    void noVerdictWithoutAVerifiedChainAndSlot(Stage0Chain chain) throws Exception {
        assertEquals("rc=1", chain.run("verify_verdict a; echo \"rc=$?\""));
        assertEquals("rc=1", chain.run(VERIFIED + " verify_slot \"$2\" \"$3.none\" \"$4\" \"$5\" \"$6\";"
                + " verify_verdict a; echo \"rc=$?\""));
        writeSlot(chain.slot(), (byte) 8);
        assertEquals("rc=1", chain.run("verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; verify_verdict a; echo \"rc=$?\""));
        chain.signAdmissionByARogue();
        assertEquals("rc=1", chain.run("verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; verify_verdict a; echo \"rc=$?\""));
    }
}
