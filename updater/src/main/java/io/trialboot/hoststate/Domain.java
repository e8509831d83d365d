package io.trialboot.hoststate;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One domain under {@code asl-host/domains/<id>/} (seed 003 §4–§13). The updater has one, the
 * {@code system} domain. Every mutating operation checks the domain's {@link Capability} first and
 * fails with the {@code HOST_*} code of {@link DomainState#check}.
 */
public final class Domain {
    /** The directories every domain has, relative to its root (created by {@link HostStateTree#create}). */
    static final List<String> LAYOUT = List.of("admission", "auth", "auth/operators", "auth/revocations",
            "store", "store/blocks", "store/blocks/open", "store/blocks/sealed", "store/blocks/gc", "store/objects",
            "store/encryption", "index", "index/segments", "index/bloom", "index/tmp", "log", "log/receipts",
            "snapshots", "leases", "tmp");
    static final String DESCRIPTOR = "domain.json";

    private final String id;
    private final Path dir;
    private final StateWriter writer;
    private final Supplier<CourtesyLease> grant;

    /** {@code grant}: the courtesy lease an ACCEPTED_LIMITED admission grants (the host policy's limits). */
    Domain(String id, Path dir, StateWriter writer, Supplier<CourtesyLease> grant) {
        this.id = Objects.requireNonNull(id, "id");
        this.dir = Objects.requireNonNull(dir, "dir");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.grant = Objects.requireNonNull(grant, "grant");
    }

    /** The writer every state change of this domain goes through. */
    public StateWriter writer() {
        return writer;
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    public Path admission() {
        return dir.resolve("admission");
    }

    public Path auth() {
        return dir.resolve("auth");
    }

    /** Content-addressed objects, named by their sha256. */
    public Path objects() {
        return dir.resolve("store/objects");
    }

    /** The append-only history log (one JSON line per event). */
    public Path historyLog() {
        return dir.resolve("log/history.jsonl");
    }

    /** {@code UpdateReceipt/2} files, one per install attempt. */
    public Path receipts() {
        return dir.resolve("log/receipts");
    }

    public Path snapshots() {
        return dir.resolve("snapshots");
    }

    /** The trial-boot lease: the boot-control file shared with stage 0. */
    public Path bootControl() {
        return dir.resolve("leases/boot-control");
    }

    public Path tmp() {
        return dir.resolve("tmp");
    }

    public DomainDescriptor descriptor() {
        return read().descriptor();
    }

    /** {@code domain.json} as read, kept with its bytes so a rewrite can tell whether it changed since. */
    record Read(DomainDescriptor descriptor, byte[] bytes) {}

    Read read() {
        byte[] bytes = StateFiles.read(dir.resolve(DESCRIPTOR), Bounds.RECORD_BYTES, "domain.json");
        return new Read(DomainDescriptor.decode(bytes), bytes);
    }

    /** Rewrites {@code domain.json} read as {@code before}: {@code HOST_CONCURRENT_MODIFICATION} if it changed since. */
    void replace(Read before, DomainDescriptor after) {
        writer.replace(dir.resolve(DESCRIPTOR), before.bytes(), after.encode());
    }

    /**
     * {@link Code#HOST_OK} or the code saying why the domain's state does not allow {@code capability};
     * a COURTESY domain whose {@link CourtesyLease} is spent may not allocate or seal ({@code HOST_LEASE_EXPIRED}).
     */
    public Code check(Capability capability) {
        return check(descriptor().state(), capability);
    }

    private Code check(DomainState state, Capability capability) {
        Code code = state.check(capability);
        if (code == Code.HOST_OK && state == DomainState.COURTESY
                && (capability == Capability.ALLOCATE_BLOCK || capability == Capability.SEAL_BLOCK)
                && CourtesyLease.of(dir).spent()) {
            return Code.HOST_LEASE_EXPIRED;
        }
        return code;
    }

    /** Throws with the code of {@link #check} unless the capability is granted. */
    public void require(Capability capability, String operation) {
        DomainState state = descriptor().state();
        Code code = check(state, capability);
        if (code != Code.HOST_OK) {
            throw new TrialbootException(code, operation + " needs " + capability + " but domain '" + id
                    + "' is " + state + (code == Code.HOST_LEASE_EXPIRED ? " with its courtesy lease spent ("
                    + CourtesyLease.of(dir) + ")" : ""));
        }
    }

    /** {@link #require} ALLOCATE_BLOCK for a write of {@code bytes} that a COURTESY domain's lease must have room for. */
    public void allocate(long bytes, String operation) {
        require(Capability.ALLOCATE_BLOCK, operation);
        if (descriptor().state() == DomainState.COURTESY) {
            CourtesyLease.of(dir).checkRoom(bytes, operation);
        }
    }

    /** The courtesy lease, present while the domain is (or was last) admitted ACCEPTED_LIMITED. */
    public Optional<CourtesyLease> lease() {
        return CourtesyLease.read(dir);
    }

    /**
     * Records the outcome of an admission check (the signed record itself is verified by the trust
     * code and kept in {@link #admission()}) and moves the domain to its state. Returns
     * {@code HOST_ADMISSION_REJECTED} for REJECTED (nothing written), {@code HOST_DOMAIN_REVOKED} for a
     * REVOKED domain (it stays revoked), {@code HOST_OK} otherwise. Becoming COURTESY grants a fresh
     * lease with the host policy's limits ({@link HostPolicy#courtesyGrant}); becoming FULL ends the lease.
     */
    public Code recordAdmission(AdmissionOutcome outcome, String rootKeyFingerprint, String policyHash,
            String admittedAt) {
        Read r = read();
        DomainDescriptor d = r.descriptor();
        if (d.state() == DomainState.REVOKED) {
            return Code.HOST_DOMAIN_REVOKED;
        }
        if (outcome == AdmissionOutcome.REJECTED) {
            return Code.HOST_ADMISSION_REJECTED;
        }
        DomainState next = outcome.state(d.state());
        replace(r, d.withAdmission(next, admittedAt, rootKeyFingerprint, policyHash));
        if (next == DomainState.COURTESY && d.state() != DomainState.COURTESY) {
            writer.write(dir.resolve(CourtesyLease.FILE), grant.get().encode());
        } else if (next == DomainState.FULL) {
            writer.delete(dir.resolve(CourtesyLease.FILE));
        }
        return Code.HOST_OK;
    }

    /**
     * Rewrites {@code domain.json} durably; the change must keep the domain id.
     * {@code HOST_CONCURRENT_MODIFICATION} when the file changed between this read and the write.
     */
    public DomainDescriptor update(UnaryOperator<DomainDescriptor> change) {
        Read r = read();
        DomainDescriptor after = change.apply(r.descriptor());
        if (!after.domainId().equals(r.descriptor().domainId())) {
            throw new IllegalArgumentException("domain id cannot change");
        }
        replace(r, after);
        return after;
    }

    void write(DomainDescriptor d) {
        writer.write(dir.resolve(DESCRIPTOR), d.encode());
    }

    /** Records what a slot holds (needs SEAL_BLOCK: the slot was verified); a COURTESY domain's lease is charged first. */
    public void writeSnapshot(SlotSnapshot snapshot) {
        String operation = "recording slot " + snapshot.slot() + "'s snapshot";
        require(Capability.SEAL_BLOCK, operation);
        if (descriptor().state() == DomainState.COURTESY) {
            CourtesyLease lease = CourtesyLease.of(dir);
            lease.checkRoom(snapshot.imageSize(), operation);
            writer.write(dir.resolve(CourtesyLease.FILE), lease.charge(snapshot.imageSize()).encode());
        }
        writer.write(snapshots().resolve(SlotSnapshot.fileName(snapshot.slot())), snapshot.encode());
    }

    /**
     * Image build only: records the factory image in slot a as the current snapshot, before any
     * history exists (no admission needed: the builder is the trust anchor). {@code HOST_EXISTS}
     * once a snapshot is current.
     */
    public void recordFactoryImage(SlotSnapshot factory) {
        Read r = read();
        DomainDescriptor d = r.descriptor();
        if (d.currentSnapshot() != null || d.currentLogseq() != 0 || factory.slot() != Slot.A
                || factory.logSeq() != 0) {
            throw new TrialbootException(Code.HOST_EXISTS, "the factory image is recorded once, in slot a at log seq 0,"
                    + " on a fresh tree; current snapshot is " + d.currentSnapshot());
        }
        writer.write(snapshots().resolve(SlotSnapshot.fileName(Slot.A)), factory.encode());
        replace(r, d.withCurrent(factory.id(), 0));
    }

    /** Forgets what a slot holds: done before the first byte of a new image is written into it. */
    public void clearSnapshot(Slot slot) {
        require(Capability.ALLOCATE_BLOCK, "clearing slot " + slot + "'s snapshot");
        writer.delete(snapshots().resolve(SlotSnapshot.fileName(slot)));
    }

    public Optional<SlotSnapshot> snapshot(Slot slot) {
        Path f = snapshots().resolve(SlotSnapshot.fileName(slot));
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        SlotSnapshot s = SlotSnapshot.decode(StateFiles.read(f, Bounds.RECORD_BYTES, "snapshot record"));
        if (s.slot() != slot) {
            throw new TrialbootException(Code.MALFORMED_INPUT, f + " names slot " + s.slot());
        }
        return Optional.of(s);
    }

    /** Stores bytes as a content-addressed object and returns its digest (idempotent). */
    public Sha256 putObject(byte[] content) {
        require(Capability.SEAL_BLOCK, "storing an object");
        Bounds.check("object", content.length, Bounds.QUARANTINE_INPUT_BYTES);
        Sha256 digest = Sha256.of(content);
        Path f = objects().resolve(digest.hex());
        if (!Files.exists(f)) {
            writer.write(f, content);
        }
        return digest;
    }

    /** Reads an object back, checking that it still has its digest. */
    public byte[] object(Sha256 digest) {
        require(Capability.READ, "reading an object");
        byte[] bytes = StateFiles.read(objects().resolve(digest.hex()), Bounds.QUARANTINE_INPUT_BYTES, "object");
        if (!Sha256.of(bytes).equals(digest)) {
            throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, "object " + digest + " is corrupt");
        }
        return bytes;
    }

    /** The layout directories that are missing (empty when consistent). */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String d : LAYOUT) {
            if (!Files.isDirectory(dir.resolve(d))) {
                missing.add(d + "/");
            }
        }
        if (!Files.isRegularFile(dir.resolve(DESCRIPTOR))) {
            missing.add(DESCRIPTOR);
        }
        if (!Files.isRegularFile(bootControl())) {
            missing.add("leases/boot-control");
        }
        return missing;
    }
}
