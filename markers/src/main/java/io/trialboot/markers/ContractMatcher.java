package io.trialboot.markers;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks console lines against a {@link Contract}, one line at a time: the same code runs live in
 * the harness (lines as QEMU prints them, {@link #checkTime} from a clock) and offline in the CI
 * gate (lines from a serial.log, times from its timestamps).
 *
 * <p>Rules: each line is first checked against the forbidden entries; then, if the line is timed and
 * later than the current step's deadline (previous match + timeout x scale), the step fails; a line
 * of an earlier boot is skipped, a line of a later boot fails the step at once; otherwise the line
 * meets the step or is consumed without effect. A line meets at most one step. Once the contract is
 * met or failed, further lines are ignored.
 *
 * <p>Thread-safe: the harness offers lines from its console reader thread and checks time from the
 * test thread.
 */
public final class ContractMatcher {
    private final Contract contract;
    private final double scale;
    private final List<StepResult> results = new ArrayList<>();
    private final Map<String, String> captures = new LinkedHashMap<>();
    private final Deque<ConsoleLine> tail = new ArrayDeque<>();
    /** When the current step started waiting; null when unknown (untimed log). */
    private Duration since = Duration.ZERO;
    private ConsoleLine last;
    private ContractFailure failure;

    /**
     * @param timeoutScale multiplies every step's timeout (slow hosts, TCG emulation); 0 &lt; scale &lt;= 1000
     */
    public ContractMatcher(Contract c, double timeoutScale) {
        this.contract = Objects.requireNonNull(c, "contract");
        if (!(timeoutScale > 0 && timeoutScale <= 1000)) {
            throw new IllegalArgumentException("timeout scale must be in (0, 1000]: " + timeoutScale);
        }
        this.scale = timeoutScale;
    }

    public Contract contract() {
        return contract;
    }

    /** Feeds the next console line. Lines must come in order (times and boots never go back). */
    public synchronized void offer(ConsoleLine line) {
        Objects.requireNonNull(line, "line");
        if (last != null && (line.boot() < last.boot()
                || (line.timed() && last.timed() && line.at().compareTo(last.at()) < 0))) {
            throw new IllegalArgumentException("console lines out of order: '" + line + "' after '" + last + "'");
        }
        last = line;
        if (done()) {
            return;
        }
        tail.addLast(line);
        if (tail.size() > ContractFailure.TAIL_LINES) {
            tail.removeFirst();
        }
        for (Forbidden f : contract.forbidden()) {
            if (f.matches(line.text())) {
                fail(ContractFailure.Kind.FORBIDDEN, waitedUntil(line.at()), line, f);
                return;
            }
        }
        if (line.timed()) {
            checkTime(line.at());
            if (done()) {
                return;
            }
        }
        Step step = current();
        if (line.boot() < step.boot()) {
            return;
        }
        if (line.boot() > step.boot()) {
            fail(ContractFailure.Kind.BOOT_PASSED, waitedUntil(line.at()), line, null);
            return;
        }
        Optional<Map<String, String>> m = step.pattern().match(line.text(), captures);
        if (m.isPresent()) {
            captures.putAll(m.get());
            results.add(new StepResult(step, line, m.get(), waitedUntil(line.at()), allowed(step)));
            since = line.at();
        }
    }

    /** Fails the current step when {@code now} (time since the run started) is past its deadline. */
    public synchronized void checkTime(Duration now) {
        Objects.requireNonNull(now, "now");
        if (done() || since == null) {
            return;
        }
        Duration waited = now.minus(since);
        if (waited.compareTo(allowed(current())) > 0) {
            fail(ContractFailure.Kind.TIMEOUT, waited, null, null);
        }
    }

    /**
     * Says no more lines will come (end of the log, QEMU exited): fails the current step at once
     * instead of waiting out its timeout. Does nothing when the contract is already met or failed.
     */
    public synchronized void endOfInput() {
        if (!done()) {
            fail(ContractFailure.Kind.INPUT_ENDED, last == null ? null : waitedUntil(last.at()), null, null);
        }
    }

    /** Whether the contract is met or failed: nothing more will change. */
    public synchronized boolean done() {
        return failure != null || results.size() == contract.steps().size();
    }

    /** Whether every step is met. */
    public synchronized boolean passed() {
        return failure == null && results.size() == contract.steps().size();
    }

    public synchronized Optional<ContractFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** The step waited for now, if the contract is not done. */
    public synchronized Optional<Step> currentStep() {
        return done() ? Optional.empty() : Optional.of(current());
    }

    /** The met steps, in order. */
    public synchronized List<StepResult> results() {
        return List.copyOf(results);
    }

    /** Every value captured so far, by name. */
    public synchronized Map<String, String> captures() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(captures));
    }

    /** The current step's deadline (time since the run started), if the times are known. */
    public synchronized Optional<Duration> deadline() {
        return done() || since == null ? Optional.empty() : Optional.of(since.plus(allowed(current())));
    }

    private Step current() {
        return contract.steps().get(results.size());
    }

    private Duration allowed(Step step) {
        return Durations.scaled(step.timeout(), scale);
    }

    private Duration waitedUntil(Duration at) {
        return at == null || since == null ? null : at.minus(since);
    }

    private void fail(ContractFailure.Kind kind, Duration waited, ConsoleLine line, Forbidden forbidden) {
        Step step = current();
        List<String> outstanding = new ArrayList<>();
        for (Step s : contract.steps().subList(step.number(), contract.steps().size())) {
            outstanding.add(s.pattern().describe(captures));
        }
        failure = new ContractFailure(kind, contract.name(), step, contract.steps().size(),
                step.pattern().describe(captures), waited, step.timeout(), scale, line, forbidden,
                outstanding, List.copyOf(tail));
    }
}
