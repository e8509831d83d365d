package io.trialboot.guest;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.Feed;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.verified.VerifiedFeed;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The ota-cycle selftest ({@code trialboot.selftest=ota}): across real reboots, factory → full
 * update → trial → confirm → delta update → trial → health fail → rollback. What it does on a boot
 * is derived only from the device's durable state — boot control and the history — by
 * {@link #decide}; it runs after healthd settled this boot's trial.
 */
final class Selftest {
    enum Step {
        /** Install the next release of the feed above the running one, switch, reboot. */
        INSTALL_NEXT,
        /** The cycle ended with the second update rolled back: check and report it. */
        REPORT_ROLLBACK,
        /** The state is not one the cycle can reach: report a failure. */
        FAIL;

        /** The step as its SELFTEST_STEP line names it. */
        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Decision(Step step, String why) {
        Decision {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(why, "why");
        }
    }

    private final UpdateService updates;
    private final Power power;
    private final PrintStream console;
    private long shown;

    Selftest(UpdateService updates, Power power, PrintStream console) {
        this.updates = updates;
        this.power = power;
        this.console = console;
    }

    static Decision decide(BootControlFile bc, List<HistoryEntry> history) {
        Slot running = BootControl.running(bc);
        if (bc.trial().equals(Optional.of(running))) {
            return new Decision(Step.FAIL, "slot " + running + " is still on trial: healthd did not settle it");
        }
        long lastSwitch = last(history, HistoryEvent.SWITCH);
        if (lastSwitch == 0) {
            return new Decision(Step.INSTALL_NEXT, "no update switched yet: install the first release above the factory's");
        }
        if (last(history, HistoryEvent.ROLLBACK) > lastSwitch) {
            return new Decision(Step.REPORT_ROLLBACK, "update switched at #" + lastSwitch + " was rolled back");
        }
        if (last(history, HistoryEvent.CONFIRM) > lastSwitch) {
            long confirms = history.stream().filter(e -> e.is(HistoryEvent.CONFIRM)).count();
            return confirms == 1
                    ? new Decision(Step.INSTALL_NEXT, "the first update was confirmed: install the next (a delta)")
                    : new Decision(Step.FAIL, "update " + confirms + " was confirmed: the cycle expects it to roll back");
        }
        return new Decision(Step.FAIL, "the update switched at #" + lastSwitch + " was neither confirmed nor rolled back");
    }

    private static long last(List<HistoryEntry> history, HistoryEvent event) {
        long seq = 0;
        for (HistoryEntry e : history) {
            if (e.is(event)) {
                seq = e.seq();
            }
        }
        return seq;
    }

    /** Runs this boot's part of the cycle. Returns normally unless it rebooted (then the caller is gone). */
    void run(Version running) {
        try {
            List<HistoryEntry> history;
            BootControlFile bc;
            synchronized (updates.engine()) {
                history = updates.engine().history().read();
                bc = updates.engine().bootControl().read();
            }
            showHistory(history);
            if (confirmedThisBoot(history)) {
                console.println(Marker.SELFTEST_UPDATE_CONFIRM_OK.line());
            }
            Decision d = decide(bc, history);
            console.println(Marker.SELFTEST_STEP.line(d.step().word(), d.why()));
            switch (d.step()) {
                case INSTALL_NEXT -> installNext(running);
                case REPORT_ROLLBACK -> reportRollback(bc, history);
                case FAIL -> console.println(Marker.SELFTEST_FAIL.line("ota cycle"));
            }
        } catch (TrialbootException e) {
            console.println(Marker.SELFTEST_STEP.line(Step.FAIL.word(), Marker.oneLine(e.getMessage())));
            console.println(Marker.SELFTEST_FAIL.line("ota " + e.code()));
        }
    }

    /** A confirm after this boot's {@code boot} entry: healthd confirmed the trial just now. */
    static boolean confirmedThisBoot(List<HistoryEntry> history) {
        long boot = last(history, HistoryEvent.BOOT);
        return boot > 0 && last(history, HistoryEvent.CONFIRM) > boot;
    }

    private void installNext(Version running) {
        synchronized (updates.engine()) {
            HostStatus status = updates.selfcheck(false);
            if (!status.ok()) {
                throw new TrialbootException(Code.UPDATE_PRECHECK_FAILED, "host status "
                        + status.n() + " is not OK: " + status.failures());
            }
            VerifiedFeed feed = updates.loadFeed();
            Feed.Entry next = feed.feed().entries().stream().filter(e -> running.isBelow(e.version())).findFirst()
                    .orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                            "the feed lists no release above " + running));
            UpdateService.Staged staged = updates.stage(feed, next);
            showNew();
            console.println(Marker.SELFTEST_OTA_STAGE_OK.line());
            UpdateReceipt installed = updates.apply(staged);
            showNew();
            console.println(Marker.SELFTEST_UPDATE_APPLY_OK.line());
            updates.switchSlot(installed);
            showNew();
            console.println(Marker.SELFTEST_OTA_SWITCH_OK.line());
            RebootAudit.record(updates.engine(), "selftest");
        }
        power.reboot();
    }

    private void reportRollback(BootControlFile bc, List<HistoryEntry> history) {
        HistoryEntry rollback = history.stream().filter(e -> e.is(HistoryEvent.ROLLBACK)).reduce((a, b) -> b)
                .orElseThrow();
        Slot bad = Slot.parse(rollback.field("slot"));
        Slot to = Slot.parse(rollback.field("to"));
        Slot running = BootControl.running(bc);
        if (bc.state(bad) != SlotState.BAD || to != running || bc.active() != running
                || bc.state(running) != SlotState.GOOD) {
            console.println(Marker.SELFTEST_STEP.line(Step.FAIL.word(), "after the rollback of slot " + bad + " expected slot " + to
                    + " active and good, slot " + bad + " bad; boot control: " + bc));
            console.println(Marker.SELFTEST_FAIL.line("ota rollback"));
            return;
        }
        console.println(Marker.SELFTEST_UPDATE_ROLLBACK_OK.line());
        console.println(Marker.SELFTEST_OTA_ROLLBACK_OK.line());
    }

    private void showHistory(List<HistoryEntry> history) {
        for (HistoryEntry e : history) {
            console.println(HistoryView.line(e));
            shown = e.seq();
        }
    }

    private void showNew() {
        for (HistoryEntry e : updates.engine().history().read()) {
            if (e.seq() > shown) {
                console.println(HistoryView.line(e));
                shown = e.seq();
            }
        }
    }
}
