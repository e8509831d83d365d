package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.markers.Step;
import io.trialboot.markers.check.AwaitRecord;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Contract awaits over one VM's console: each continues where the previous one stopped (its
 * cursor), is recorded for the CI gate and the timeline, and fails with the matcher's report and
 * how QEMU stands (for a timeout, where its vCPUs are).
 */
final class ContractAwaits {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration VCPU_SAMPLE_GAP = Duration.ofSeconds(1);

    private final VmConfig config;
    private final ConsoleRecorder console;
    private final ConsoleTriggers lines;
    private final VmLifecycle lifecycle;
    private final FailureReport report;
    private final VmClock clock;
    private final BooleanSupplier cutFired;
    private int cursor;
    private volatile int lastPowerOn;
    private final LiveAwait.Console live = new LiveAwait.Console() {
        @Override
        public List<ConsoleLine> from(int from) {
            return console.from(from);
        }

        @Override
        public Duration now() {
            return lines.elapsed();
        }

        @Override
        public boolean ended() throws InterruptedException {
            return lifecycle.consoleEnded();
        }

        @Override
        public void awaitMore(int seen) throws InterruptedException {
            console.awaitMore(seen, POLL);
        }
    };

    ContractAwaits(VmConfig config, ConsoleRecorder console, ConsoleTriggers lines, VmLifecycle lifecycle,
            FailureReport report, VmClock clock, BooleanSupplier cutFired) {
        this.config = config;
        this.console = console;
        this.lines = lines;
        this.lifecycle = lifecycle;
        this.report = report;
        this.clock = clock;
        this.cutFired = cutFired;
    }

    /** A power-on (a restore, or the cold boot of {@link QemuVm#reach}) is about to print: the next await starts there. */
    void poweringOn() {
        restarting();
        cursor = lastPowerOn;
    }

    /** A power-on of the VM's own (a restart) is about to print; awaits go on where they were. */
    void restarting() {
        lastPowerOn = console.size();
    }

    /** See {@link QemuVm#await(Marker, Duration, String...)}. */
    Map<String, String> await(Marker marker, Duration timeout, String... args) {
        Step step = new Step(1, Math.max(1, console.currentBoot()), timeout, LinePattern.of(marker, args), 0);
        return await(new Contract(marker.name(), List.of(step), List.of()));
    }

    /** See {@link QemuVm#await(Contract)}. */
    Map<String, String> await(Contract contract) {
        LiveAwait.Outcome outcome;
        int from = cursor;
        Duration start = lines.elapsed().truncatedTo(ChronoUnit.MILLIS);
        try {
            outcome = LiveAwait.run(contract, config.scale().factor(), from, live);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while waiting for contract '"
                    + contract.name() + "'; console so far in " + console.serialLog(), e);
        }
        ContractMatcher matcher = outcome.matcher();
        cursor = outcome.next();
        ConsoleLine now = new ConsoleLine(lines.elapsed().truncatedTo(ChronoUnit.MILLIS), console.currentBoot(),
                "(" + matcher.failure().map(f -> f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')).orElse("met") + ")");
        report.recordAwait(Timeline.marks(matcher, outcome.real()::get, start, now),
                AwaitRecord.of(matcher, from, start.toMillis(), now.at().toMillis(), config.scale().factor()));
        if (matcher.passed()) return matcher.captures();
        ContractFailure f = matcher.failure().orElseThrow();
        QemuProcess p = lifecycle.process();
        String liveness = p != null && p.alive()
                ? AwaitRecord.LIVENESS + "still running" + (f.kind() == ContractFailure.Kind.TIMEOUT ? "; " + vcpus() : "")
                : AwaitRecord.LIVENESS + "exited with code " + (p == null ? "?" : String.valueOf(p.exitCode().orElse(-1)))
                        + (cutFired.getAsBoolean() ? " (killed by the armed power cut)" : "");
        throw report.failure(f, cursor, liveness, qemuState(), lifecycle.accelerated());
    }

    /** How QEMU stands, as the report and the timeline say it. */
    String qemuState() {
        QemuProcess p = lifecycle.process();
        return p == null ? "QEMU never started" : p.alive() ? "QEMU running" : "QEMU exited with code " + p.exitCode().orElse(-1);
    }

    /** Where each vCPU of the running QEMU is now (QMP {@code info registers -a}). */
    VcpuSnapshot vcpuSnapshot() {
        Object text = lifecycle.qmp().execute("human-monitor-command", Map.of("command-line", "info registers -a"));
        return VcpuSnapshot.parse(String.valueOf(text));
    }

    /**
     * Two snapshots of the vCPUs' program counters a second apart, for a guest that went silent:
     * stuck in the firmware, in the kernel (whose messages {@code quiet} hides) or in user space.
     */
    private String vcpus() {
        if (!lifecycle.hasQmp()) return "vCPUs: not sampled (no QMP socket)";
        try {
            VcpuSnapshot first = vcpuSnapshot();
            clock.sleep(VCPU_SAMPLE_GAP);
            VcpuSnapshot second = vcpuSnapshot();
            return "vCPUs: " + second.describe(first) + second.notBroughtUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "vCPUs: not sampled (interrupted)";
        } catch (HarnessException e) {
            return "vCPUs: not sampled (" + e.getMessage() + ")";
        }
    }
}
