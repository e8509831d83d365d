package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.format.Feed;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HostStatus;
import io.trialboot.records.RequestedInput;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import io.trialboot.update.InstallPlan;
import io.trialboot.update.Settled;
import io.trialboot.update.UpdateEngine;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verified.VerifiedRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The update operations behind updated's RPC and the selftest (SPEC §4): load the feed, stage a
 * release (verify with the formats code, bind it to the engine, admit), apply it to the inactive
 * slot, switch. Each prints its marker after the engine made the change durable. A rejected input
 * gets a DENY receipt, goes to {@code quarantine/} and is reported as
 * {@code update: rejected code=<CODE> input=<input>}; the call then throws with that code.
 * Callers serialise on the engine (one operation at a time).
 */
final class UpdateService {
    /** Who this service is in VERDICT_UNRECORDED's warning ({@code update: WARNING not recorded: ...}). */
    private static final String SERVICE = "update";
    /** A release admitted for installation: the receipt that allows it, what to stream, and the signed manifest to keep. */
    record Staged(String input, UpdateReceipt receipt, Releases.Chosen chosen, byte[] manifest, byte[] signature) {}

    private final UpdateEngine engine;
    private final HostStateTree tree;
    private final MediaInputs media;
    private final Supplier<Trust> trust;
    private final PrintStream console;

    UpdateService(UpdateEngine engine, HostStateTree tree, MediaInputs media, Supplier<Trust> trust, PrintStream console) {
        this.engine = engine;
        this.tree = tree;
        this.media = media;
        this.trust = trust;
        this.console = console;
    }

    UpdateEngine engine() {
        return engine;
    }

    /** Verifies the media's stable feed; prints {@code updates: feed loaded items=<n>}. */
    VerifiedFeed loadFeed() {
        Path feed = media.updates().resolve(VerifiedFeed.STABLE);
        String input = MediaInputs.SCHEME + MediaInputs.UPDATES + VerifiedFeed.STABLE;
        VerifiedFeed vf;
        try {
            vf = VerifiedFeed.load(feed, trust.get());
        } catch (TrialbootException e) {
            throw rejected(input, MediaInputs.prefix(feed, Bounds.FEED_BYTES), e);
        }
        engine.audit(HistoryEvent.FEED, HistoryFields.of("channel", vf.feed().channel()).and("items", (long) vf.feed().entries().size()));
        console.println(Marker.UPDATES_FEED_LOADED.line(vf.feed().entries().size()));
        return vf;
    }

    /** Stages the manifest at {@code input} ({@code pkg://updates/...}). */
    Staged stage(String input) {
        Path manifest;
        try {
            manifest = media.resolve(input);
        } catch (TrialbootException e) {
            throw rejected(input, Optional.empty(), e); // a name or path refused before any file was opened
        }
        return stage(input, manifest, (bytes, sig) -> VerifiedRelease.verify(bytes, sig, trust.get()));
    }

    /**
     * Records an install request refused for its form before anything was read ({@code StageSystem}
     * without exactly one input) as every refusal is: console lines, a DENY receipt, a history line.
     */
    TrialbootException refuse(String input, TrialbootException e) {
        return rejected(input, Optional.empty(), e);
    }

    /** Stages a release the verified feed lists (its manifest is checked against the feed entry too). */
    Staged stage(VerifiedFeed feed, Feed.Entry entry) {
        String input = MediaInputs.SCHEME + MediaInputs.UPDATES + entry.path();
        return stage(input, media.updates().resolve(entry.path()),
                (bytes, sig) -> feed.release(entry, bytes, sig, trust.get()));
    }

    private interface Verifier {
        VerifiedRelease verify(byte[] manifest, byte[] signatureFile);
    }

    private Staged stage(String input, Path manifest, Verifier verifier) {
        Releases.Chosen chosen;
        VerifiedRelease v;
        byte[] bytes;
        byte[] sig;
        try {
            bytes = Inputs.read(manifest, Bounds.MANIFEST_BYTES);
            sig = SignatureFile.readBeside(manifest);
            v = verifier.verify(bytes, sig);
            chosen = Releases.choose(v, activeImage());
        } catch (TrialbootException e) {
            throw rejected(input, MediaInputs.prefix(manifest, Bounds.MANIFEST_BYTES), e);
        }
        console.println(Marker.UPDATE_MANIFEST_OK.line(v.manifest().version(), v.manifest().signer().hex()));
        UpdateReceipt receipt = engine.admit(chosen.release(), quarantineName(input), bytes, () -> checkDelta(chosen));
        if (receipt.decision() == UpdateReceipt.Decision.DENY) {
            Code code = receipt.reasonCodes().get(0);
            // the policy's reasons, each saying what to do, are on the receipt's history line, the
            // log's last: looked up from the end (the admission read the whole log before writing it)
            String why = engine.history().latest(h -> h.seq() == receipt.logSeq())
                    .map(h -> h.field("why")).orElse("nx history shows why");
            String message = "release " + v.manifest().version() + " denied " + receipt.reasonCodes() + ": " + why
                    + " (receipt " + receipt.attempt() + ")";
            TrialbootException denied = new TrialbootException(code, message);
            printWhy(denied);
            console.println(Marker.UPDATE_REJECTED.line(code.name(), input));
            throw denied;
        }
        return new Staged(input, receipt, chosen, bytes, sig);
    }

    /**
     * A delta is read whole and checked against its signed size and digest when the policy admits
     * the release (it is small, {@link io.trialboot.core.Bounds#DELTA_BYTES} at most): bytes changed
     * after signing are denied at stage time, the slots untouched. The apply checks them again.
     */
    private void checkDelta(Releases.Chosen chosen) {
        if (chosen.release().kind() != InstallPlan.Kind.DELTA) {
            return;
        }
        Path delta = media.updates().resolve(chosen.artifact().path());
        try (InputStream in = MediaInputs.lazy(delta)) {
            DeltaApplier.verified(in, chosen.release().artifact());
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "the release's delta " + delta + " is not on the media");
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading " + delta + " failed: " + IoFailure.reason(e), e);
        }
    }

    /**
     * Applies a staged release to the inactive slot, printing {@code update: progress ...} lines as
     * the slot is written (not markers: {@link io.trialboot.apply.Progress}); prints
     * {@code update: apply ok slot=<x> kind=<k>}.
     */
    UpdateReceipt apply(Staged staged) {
        Slot target = Slot.parse(staged.receipt().targetSlot());
        Path artifact = media.updates().resolve(staged.chosen().artifact().path());
        UpdateReceipt installed;
        try (InputStream in = MediaInputs.lazy(artifact)) {
            installed = engine.apply(staged.receipt(), staged.chosen().release().keeping(staged.manifest(),
                    staged.signature()), in, p -> console.println(p.line()));
        } catch (TrialbootException e) {
            printWhy(e);
            console.println(Marker.UPDATE_APPLY_FAILED.line(e.code().name(), target.letter()));
            throw e;
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "closing " + artifact + " failed: " + IoFailure.reason(e), e);
        }
        console.println(Marker.UPDATE_APPLY_OK.line(target.letter(), staged.chosen().release().kind().text()));
        return installed;
    }

    /** Puts the installed slot on trial; prints {@code update: await confirm}. Reboot next. */
    UpdateReceipt switchSlot(UpdateReceipt installed) {
        UpdateReceipt r = engine.switchSlot(installed);
        console.println(Marker.UPDATE_AWAIT_CONFIRM.line());
        return r;
    }

    /** {@code nx selfcheck}: writes the next host status (installs need the latest OK) and audits it. */
    HostStatus selfcheck(boolean deep) {
        HostStatus s = engine.selfcheck(deep);
        engine.audit(HistoryEvent.SELFCHECK, HistoryFields.of("n", s.n()).and("deep", String.valueOf(deep))
                .and("status", s.ok() ? "OK" : "FAILED"));
        return s;
    }

    /** The receipt of the last attempt, for {@code Switch} without an attempt number. */
    UpdateReceipt receipt(long attempt) {
        return engine.receipts().read(attempt).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                "no receipt for attempt " + attempt));
    }

    /**
     * {@code nx confirm}: the running trial slot becomes active and good; when the history cannot
     * take its line, it still is, and a warning line says so ({@link Settled}).
     */
    Slot confirm() {
        Settled s = engine.confirm();
        s.unrecorded().ifPresent(u -> console.println(u.warning(SERVICE)));
        console.println(Marker.UPDATE_CONFIRMED.line(s.slot().letter(),
                tree.system().snapshot(s.slot()).map(SlotSnapshot::version).orElse(engine.floor())));
        return s.slot();
    }

    /**
     * {@code nx rollback}: the trial slot marked bad (standing as {@link #confirm} does when the
     * history cannot take its lines), or back to the other good slot. Reboot next.
     */
    Slot rollback() {
        Settled s = engine.rollback(Code.OPERATOR_ROLLBACK, "nx rollback");
        s.unrecorded().ifPresent(u -> console.println(u.warning(SERVICE)));
        console.println(Marker.UPDATE_ROLLED_BACK.line(s.slot().letter()));
        return s.slot();
    }

    Optional<SlotSnapshot> activeSnapshot() {
        return snapshot(engine.bootControl().read().active());
    }

    /** What the snapshot record of {@code slot} says it holds, if there is one. */
    Optional<SlotSnapshot> snapshot(Slot slot) {
        return tree.system().snapshot(slot);
    }

    private Optional<Sha256> activeImage() {
        return activeSnapshot().map(SlotSnapshot::imageDigest);
    }

    /**
     * Every refusal of an input: a DENY receipt, a {@code reject} history line, the console lines.
     * The input is named as {@link RequestedInput#shown} (a hostile name is printed escaped and cut),
     * the message as one printable line ({@link Marker#oneLine}) in UPDATE_WHY.
     */
    private TrialbootException rejected(String input, Optional<byte[]> kept, TrialbootException e) {
        engine.reject(quarantineName(input), kept, e.code(), e.getMessage());
        printWhy(e);
        console.println(Marker.UPDATE_REJECTED.line(e.code().name(), RequestedInput.shown(input)));
        return e;
    }

    /** The failure's code and message as one line ({@code update: <CODE>: <message>}), before its marker. */
    private void printWhy(TrialbootException e) {
        console.println(Marker.UPDATE_WHY.line(e.code().name(), Marker.oneLine(e.detail())));
    }

    private static String quarantineName(String input) {
        return input.startsWith(MediaInputs.SCHEME + MediaInputs.UPDATES)
                ? input.substring((MediaInputs.SCHEME + MediaInputs.UPDATES).length()) : input;
    }
}
