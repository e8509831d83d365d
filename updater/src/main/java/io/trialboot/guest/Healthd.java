package io.trialboot.guest;

import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.update.HealthGate;
import io.trialboot.update.HealthVerdict;
import io.trialboot.update.Settled;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;
import java.util.Optional;

/**
 * healthd: waits, bounded, for the quorum of "core ready" probes through the engine's
 * {@link HealthGate}. On a trial boot the verdict decides: healthy → confirm, then
 * {@code health: trial ok -> confirm} and {@code init: health ok (slot x)}; unhealthy or timed out →
 * the trial slot marked bad, {@code health: fail -> rollback}, reboot into the previous slot. The
 * markers follow the engine's durable change in boot control, which stands when the history cannot
 * take the verdict's lines: a warning line says which and the code, and the reboot still comes
 * ({@link Settled}). On a normal boot the verdict is only reported.
 */
final class Healthd {
    /** healthd's name in its warnings and in the reboot's history line ({@code by}). */
    private static final String SERVICE = "healthd";
    private final UpdateEngine engine;
    private final Power power;
    private final PrintStream console;

    Healthd(UpdateEngine engine, Power power, PrintStream console) {
        this.engine = engine;
        this.power = power;
        this.console = console;
    }

    /** The outcome on a trial boot; empty on a normal boot or when the trial was settled meanwhile. */
    Optional<UpdateEngine.Outcome> check(HealthGate gate, Slot running, boolean trial) throws InterruptedException {
        HealthVerdict v = gate.await();
        console.println((trial ? Marker.HEALTHD_TRIAL_VERDICT : Marker.HEALTHD_VERDICT).line(running.letter(), v.summary()));
        if (!trial) {
            if (v.healthy()) {
                console.println(Marker.INIT_HEALTH_OK.line(running.letter()));
            }
            return Optional.empty();
        }
        Settled settled;
        try {
            synchronized (engine) {
                settled = engine.onHealth(v);
            }
        } catch (TrialbootException e) {
            console.println(Marker.HEALTHD_NO_DECISION.line(e.code().name(), Marker.oneLine(e.detail())));
            return Optional.empty();
        }
        if (settled.unrecorded().isPresent()) { // no lambda: a call site linked on every trial's verdict
            console.println(settled.unrecorded().get().warning(SERVICE));
        }
        UpdateEngine.Outcome outcome = settled.outcome();
        if (outcome == UpdateEngine.Outcome.CONFIRMED) {
            console.println(Marker.HEALTH_TRIAL_OK.line());
            console.println(Marker.INIT_HEALTH_OK.line(running.letter()));
        } else {
            console.println(Marker.HEALTH_FAIL_ROLLBACK.line());
            if (settled.unrecorded().isEmpty()) { // a history that did not take the verdict's lines takes no more
                RebootAudit.write(engine, SERVICE, console);
            }
            power.reboot();
        }
        return Optional.of(outcome);
    }
}
