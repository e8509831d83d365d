package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.Trust;
import io.trialboot.trust.TrustStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code trialboot admit} holds an admission to before it writes a byte: the record as every
 * verifier checks it ({@link Trust#establish}, so a record revoking its own root is
 * {@link Code#ADMISSION_REVOKES_SIGNER} here too), a state tree's pinned roots, and an admission
 * directory written once. Failures write nothing.
 */
final class Admissions {
    private Admissions() {}

    /** The record signed by {@code root}, refused with the verifiers' code when they would refuse it. */
    static Signed checked(AdmissionRecord record, SigningKey root) {
        Signed s = Packaging.admission(record, root);
        Trust.establish(TrustStore.of(List.of(root.publicKey())), s.content(), s.signature());
        return s;
    }

    /**
     * Pins {@code root} in the state tree and writes the record there. A tree that already pins other
     * roots refuses a root it lacks ({@link Code#HOST_EXISTS}) unless {@code newRoot}: roots come with
     * the boot chain (docs/verified-boot.md), and a key pinned as a root by mistake turns its own
     * releases into {@code KEY_NOT_ADMITTED}.
     */
    static Path provision(Path state, AdmissionRecord record, SigningKey root, boolean newRoot) {
        checked(record, root);
        Path roots = state.resolve(Trust.ROOTS_DIR);
        if (!newRoot && holdsRoots(roots)) {
            List<KeyId> pinned = TrustStore.load(roots).ids();
            if (!pinned.contains(root.keyId())) {
                throw new TrialbootException(Code.HOST_EXISTS, "the state tree " + state + " pins root(s) " + pinned
                        + ", not " + root.keyId() + ": sign with a pinned root, or pass --new-root once the device's boot"
                        + " chain anchors " + root.keyId() + " (docs/verified-boot.md, rotating a root)");
            }
        }
        Packaging.pinRoot(state, root.keyId().hex(), root.publicKey());
        return Packaging.writeAdmission(state, record, root);
    }

    /**
     * Writes an {@code nx admit} directory ({@code dam.cbor}, {@code dam.sig}, {@code admission-decision.cbor},
     * {@code admission-decision.sig}), record and decision both signed by {@code root}. The directory
     * must be new or empty ({@link Code#HOST_EXISTS}: a decision once delivered is never rewritten); the
     * files appear together (written beside it, then renamed).
     */
    static void mediaInput(Path dir, AdmissionRecord record, SigningKey root, AdmissionDecision.Outcome outcome,
            long sequence) {
        checked(record, root);
        new AdmissionDecision(record.domain(), sequence, outcome, Sha256.of(record.encode()));
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null) {
            throw new TrialbootException(Code.HOST_EXISTS, dir + " is the file system's root, not an admission directory");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            if (Files.isDirectory(target)) {
                if (!isEmpty(target)) {
                    throw new TrialbootException(Code.HOST_EXISTS, dir + " already holds files: an admission is written"
                            + " once; put a new decision (with a higher --sequence) in a new directory");
                }
                Files.delete(target);
            } else if (Files.exists(target)) {
                throw new TrialbootException(Code.HOST_EXISTS, dir + " exists and is not a directory");
            }
            deleteTree(temp);
            Packaging.writeAdmissionInput(temp, record, root, outcome, sequence, root);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw IoFailure.writing(dir, e);
        } finally {
            try {
                deleteTree(temp);
            } catch (IOException e) {
                throw IoFailure.writing(temp, e);
            }
        }
    }

    private static boolean holdsRoots(Path roots) {
        if (!Files.isDirectory(roots)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(roots, "*.pub")) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            throw IoFailure.reading(roots, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
