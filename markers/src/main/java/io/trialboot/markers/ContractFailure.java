package io.trialboot.markers;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Why a contract was not met, with everything a person needs to act on it. {@link #report} renders
 * it; the harness and the {@code markers check} command share that renderer.
 *
 * @param kind what went wrong
 * @param contract the contract's name
 * @param step the step being waited for when it went wrong
 * @param stepCount how many steps the contract has
 * @param expected the awaited line as a person reads it (references resolved)
 * @param waited time since the previous step's match (or the run start); null when unknown
 * @param timeout the step's timeout before scaling
 * @param scale the timeout scale
 * @param line the forbidden line, or the first line of a later boot; null otherwise
 * @param forbidden the forbidden entry that matched, for {@link Kind#FORBIDDEN}; null otherwise
 * @param outstanding the later steps, as a person reads them
 * @param tail the last console lines the matcher saw, oldest first
 */
public record ContractFailure(Kind kind, String contract, Step step, int stepCount, String expected,
        Duration waited, Duration timeout, double scale, ConsoleLine line, Forbidden forbidden,
        List<String> outstanding, List<ConsoleLine> tail) {

    /** What went wrong. */
    public enum Kind {
        /** The step's line did not come within its scaled timeout. */
        TIMEOUT,
        /** The console moved on to a later boot before the step's line came. */
        BOOT_PASSED,
        /** A forbidden line appeared. */
        FORBIDDEN,
        /** The console ended (the log file, or QEMU exited) before the step's line came. */
        INPUT_ENDED
    }

    /** How many console lines {@link #report()} shows when the failure was built by the matcher. */
    public static final int TAIL_LINES = 12;

    public ContractFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(timeout, "timeout");
        outstanding = List.copyOf(outstanding);
        tail = List.copyOf(tail);
        if ((kind == Kind.FORBIDDEN || kind == Kind.BOOT_PASSED) != (line != null)) {
            throw new IllegalArgumentException(kind + " failures carry the offending line, others do not");
        }
        if ((kind == Kind.FORBIDDEN) != (forbidden != null)) {
            throw new IllegalArgumentException("only FORBIDDEN failures name a forbidden entry");
        }
    }

    /** The first line of the report: contract, step, boot and what happened. */
    public String summary() {
        String head = "contract '" + contract + "' failed at step " + step.number() + " of " + stepCount
                + " (boot " + step.boot() + "): ";
        String limit = "(timeout " + Durations.seconds(timeout) + " x scale " + Durations.scale(scale) + ")";
        String after = waited == null ? "" : " after " + Durations.seconds(waited);
        return head + switch (kind) {
            case TIMEOUT -> "marker '" + expected + "' not seen within "
                    + Durations.seconds(waited == null ? Durations.scaled(timeout, scale) : waited) + " " + limit;
            case BOOT_PASSED -> "marker '" + expected + "' not seen in boot " + step.boot() + ": boot " + line.boot()
                    + " started at " + line.shortTime() + after + " " + limit;
            case FORBIDDEN -> "forbidden line at " + line.shortTime() + " (boot " + line.boot() + "): '" + line.text()
                    + "' (forbid " + forbidden.describe() + ") while waiting for '" + expected + "'";
            case INPUT_ENDED -> "marker '" + expected + "' not seen: the console ended" + after + " " + limit;
        };
    }

    /** The full report with the last console lines the matcher saw. */
    public String report() {
        return report(tail);
    }

    /**
     * The full report: {@link #summary()}, the steps still outstanding, and {@code lines} (the last
     * console lines, oldest first) with their times. Callers append what only they know (QEMU
     * liveness, the log path).
     */
    public String report(List<ConsoleLine> lines) {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        sb.append("still waiting for: ").append(outstanding.isEmpty() ? "[] (this was the last step)"
                : outstanding.size() <= 8 ? outstanding.toString()
                : String.join(", ", outstanding.subList(0, 8)).transform(s -> "[" + s + ", ... "
                        + (outstanding.size() - 8) + " more]")).append('\n');
        if (lines.isEmpty()) {
            return sb.append("no console lines seen\n").toString();
        }
        int firstBoot = lines.get(0).boot();
        int lastBoot = lines.get(lines.size() - 1).boot();
        sb.append("last console lines (boot ").append(firstBoot == lastBoot ? String.valueOf(lastBoot)
                : firstBoot + "-" + lastBoot).append("):\n");
        int boot = firstBoot;
        for (ConsoleLine l : lines) {
            if (l.boot() != boot) {
                boot = l.boot();
                sb.append("  --- boot ").append(boot).append(" ---\n");
            }
            String time = l.shortTime();
            sb.append("  ").append(time).append(" ".repeat(Math.max(1, 8 - time.length()))).append(l.text()).append('\n');
        }
        return sb.toString();
    }
}
