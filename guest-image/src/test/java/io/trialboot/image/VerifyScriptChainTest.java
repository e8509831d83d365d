package io.trialboot.image;

import static io.trialboot.image.Stage0Chain.POLICY;
import static io.trialboot.image.Stage0Chain.VERIFIED;
import static io.trialboot.image.Stage0Chain.indexOf;
import static io.trialboot.image.Stage0Chain.writeAdmission;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Slot;
import io.trialboot.tools.Keys;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Ed25519;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chain above the slot, through stage 0's verifier ({@link Stage0Chain}): the anchored roots and their
 * ids, the admission records they sign and which of them is in force, and the chain begun early (stage 0's
 * order) serving every slot check; each refusal in the chain's scope.
 */
@ExtendWith(Stage0ChainExtension.class)
class VerifyScriptChainTest {
    @Test
    void admissionRecordNotSignedByTheAnchorIsRefused(Stage0Chain chain) throws Exception {
        chain.signAdmissionByARogue();
        chain.assertRefused("ADMISSION_NOT_ROOT_SIGNED", "chain");
    }

    @Test
    void anAdmissionRecordChangedAfterItsRootSignedIsRefused(Stage0Chain chain) throws Exception {
        byte[] record = Files.readAllBytes(chain.admission().resolve("dam.cbor"));
        record[record.length - 1] ^= 0x01;
        Files.write(chain.admission().resolve("dam.cbor"), record);
        chain.assertRefused("SIG_INVALID", "chain");
        assertEquals("1|SIG_INVALID||chain;1|SIG_INVALID||chain", chain.runBegunEarly());
    }

    @Test
    void anAdmissionRecordWithAFieldOfItsOwnIsRefused(Stage0Chain chain) throws Exception {
        FixtureKeys keys = chain.keys();
        byte[] record = Packaging.admission(FactoryState.admission(keys, POLICY), keys.root()).content();
        byte[] domain = "domain".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "domaim".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(other, 0, record, indexOf(record, domain), other.length);
        Files.write(chain.admission().resolve("dam.cbor"), record);
        Files.write(chain.admission().resolve("dam.sig"), Packaging.sign(record, List.of(keys.root())));
        chain.assertRefused("SCHEMA_VIOLATION", "chain");
    }

    /** Stage 0's order: the chain begun when /state is mounted, each slot's check after; the outcome serves both. */
    @Test
    void theChainBegunEarlyServesEverySlotCheck(Stage0Chain chain) throws Exception {
        String table = chain.tableLine();
        assertEquals(table + ";" + table, chain.runBegunEarly());
        chain.signAdmissionByARogue();
        assertEquals("1|ADMISSION_NOT_ROOT_SIGNED||chain;1|ADMISSION_NOT_ROOT_SIGNED||chain", chain.runBegunEarly());
    }

    @Test
    void theNewestAppliedAdmissionIsTheOneInForce(Stage0Chain chain) throws Exception {
        writeAdmission(chain.admission().resolve("000002"), chain.revokingTheReleaseKey(), chain.keys().root());
        chain.assertRefused("KEY_REVOKED");
    }

    /** AdmissionLedger's rule: only directories of six digits are applied admissions; anything else is not read. */
    @Test
    void onlyDirectoriesOfSixDigitsAreAppliedAdmissions(Stage0Chain chain) throws Exception {
        for (String name : List.of("2", "0000003", "00000a", "000004.tmp")) {
            writeAdmission(chain.admission().resolve(name), chain.revokingTheReleaseKey(), chain.keys().root());
        }
        Files.writeString(chain.admission().resolve("000009"), "a file, not a directory");
        chain.assertVerified();
        assertEquals(chain.verdict("dam.cbor", Slot.A) + "rc=0", chain.run(VERIFIED + " verify_verdict a; echo \"rc=$?\""));
    }

    @Test
    void rootsWithoutWellFormedIdsAreNoAnchor(Stage0Chain chain) throws Exception {
        Path ids = chain.roots().resolve(VerifyScript.ROOT_IDS);
        Files.delete(ids);
        chain.assertRefused("HOST_NOT_FOUND", "chain");
        Files.writeString(ids, "");
        chain.assertRefused("HOST_NOT_FOUND", "chain");
        // An id names a shell variable: only 16 hex digits ever do, the rest is refused, never run.
        Files.writeString(ids, "x;VERIFY_TABLE=pwned " + FixtureKeys.ROOT + ".pub\n");
        chain.assertRefused("KEY_FORMAT", "chain");
        Files.writeString(ids, chain.keys().root().keyId().hex().substring(1) + " " + FixtureKeys.ROOT + ".pub\n");
        chain.assertRefused("KEY_FORMAT", "chain");
    }

    @Test
    void aRootWhoseIdNamesAnotherKeyVerifiesNothing(Stage0Chain chain) throws Exception {
        // The ids are the build's (VerifyScript.rootIds): one naming the root's id beside another
        // key's file still has openssl check the signature with that file's key.
        Path rogue = chain.roots().resolve("rogue.pub");
        Files.write(rogue, Ed25519.toPem(Keys.generate(chain.dir().resolve("rogue"), "rogue").publicKey()));
        Files.writeString(chain.roots().resolve(VerifyScript.ROOT_IDS), chain.keys().root().keyId().hex() + " rogue.pub\n");
        chain.assertRefused("SIG_INVALID", "chain");
    }
}
