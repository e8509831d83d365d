package io.trialboot.harness;

import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.check.AwaitRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a run leaves for a person and for the CI gate: {@code contracts.jsonl} (each await, for the
 * offline re-check), {@code contract-report.txt} (the last failure) and {@code timeline.html}.
 */
final class FailureReport {
    private final VmConfig config;
    private final Path runDir;
    private final ConsoleRecorder console;
    private final List<Timeline.Mark> marks = new CopyOnWriteArrayList<>();

    FailureReport(VmConfig config, ConsoleRecorder console) {
        this.config = config;
        this.runDir = config.runDir().toAbsolutePath();
        this.console = console;
    }

    Path reportFile() {
        return runDir.resolve(AwaitRecord.LIVE_REPORT);
    }

    Path contractsFile() {
        return runDir.resolve(AwaitRecord.FILE);
    }

    Path timelineFile() {
        return runDir.resolve("timeline.html");
    }

    /** Notes one await: its steps on the timeline, and its record for the CI gate. */
    void recordAwait(List<Timeline.Mark> steps, AwaitRecord r) {
        marks.addAll(steps);
        try {
            Files.writeString(contractsFile(), r.format() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + contractsFile(), e);
        }
    }

    /** Writes {@code timeline.html}; {@code qemu} says how QEMU stands ("QEMU running", ...). */
    void writeTimeline(String qemu, boolean accelerated) {
        String outcome = qemu + "; " + marks.stream().filter(m -> !m.failed()).count() + " contract steps met, "
                + marks.stream().filter(Timeline.Mark::failed).count() + " failed; console: " + console.serialLog();
        Timeline.Page page = new Timeline.Page(runDir.getParent().getFileName() + " / " + runDir.getFileName(), outcome,
                config.scale().toString(), accelerated);
        try {
            Files.writeString(timelineFile(), Timeline.html(page, console.from(0), marks), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + timelineFile(), e);
        }
    }

    /**
     * The failure of a contract whose await consumed the console up to line {@code consumed}: the
     * matcher's report with the console's tail, then {@code liveness} (how QEMU stands), written to
     * {@code contract-report.txt} and returned as the error the test fails with.
     */
    AssertionError failure(ContractFailure f, int consumed, String liveness, String qemu, boolean accelerated) {
        writeTimeline(qemu, accelerated); // the failure message links it; close() writes it again with everything
        String message = f.report(console.tail(consumed, ContractFailure.TAIL_LINES))
                + liveness + "\ntimeout scale " + config.scale() + (accelerated ? "" : "; QEMU without acceleration (TCG)")
                + "\nfull log: " + console.serialLog() + "\ntimeline: " + timelineFile().toUri();
        try {
            Files.writeString(reportFile(), message + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            message += "\n(could not write " + reportFile() + ": " + e.getMessage() + ")";
        }
        return new AssertionError(message);
    }
}
