package io.trialboot.harness.console;

import io.trialboot.harness.BulkInputStream;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.ConsoleLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keys from a pipe or a file ({@code scripts/vm < commands}): a person types each line when the
 * prompt is back, a pipe holds them all at once, so each line is typed at the guest's prompt
 * ({@link ScenarioRun#PROMPT}) once the previous line's output has ended, and the keys end only when
 * the prompt has come back after the last line: its output is on the screen before the session
 * quits. The keys also end when QEMU has exited, or (saying so) when no prompt comes within the wait.
 */
final class PipedKeys extends BulkInputStream {
    private static final long POLL_MS = 50;

    private final InputStream in;
    private final QemuVm vm;
    private final Duration promptWait;
    private byte[] pending = new byte[0];
    private int pos;
    /** Console lines when the last line was typed: the next prompt comes after them. */
    private int typedAt;
    private boolean ended;
    /** Why the keys ended, for the session's last line (volatile: read by the person's thread). */
    private volatile String why = "the piped input is done (the guest's prompt came back after its last line)";

    /**
     * Only prompts that come after this are waited for (a scenario's earlier ones are not). An Enter
     * is typed first, unprompted, when {@code nudge} (a guest restored at its prompt prints nothing
     * until typed to) or when the guest already sits at a prompt, so a fresh one comes;
     * {@code promptWait}: how long a prompt may take (a reboot's boot included).
     */
    PipedKeys(InputStream in, QemuVm vm, boolean nudge, Duration promptWait) {
        this.in = in;
        this.vm = vm;
        this.promptWait = promptWait;
        List<ConsoleLine> lines = vm.lines();
        typedAt = lines.size();
        boolean atPrompt = !lines.isEmpty() && ScenarioRun.PROMPT.match(lines.get(lines.size() - 1).text(), Map.of()).isPresent();
        if (nudge || atPrompt) pending = new byte[] {'\r'};
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == pending.length) {
            if (ended) return -1;
            String line;
            try {
                line = readLine();
            } catch (IOException e) {
                why = "the piped input could not be read (" + e.getMessage() + ")";
                ended = true;
                return -1;
            }
            if (!awaitPrompt() || line == null) {
                ended = true;
                return -1;
            }
            pending = (line + "\r").getBytes(StandardCharsets.UTF_8);
            pos = 0;
        }
        if (pos == 0) typedAt = vm.lines().size();
        int n = Math.min(len, pending.length - pos);
        System.arraycopy(pending, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Why the keys ended (once they have). */
    String why() {
        return why;
    }

    /** The next line without its end (a CR before it dropped too); null at the end of the input. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            if (c == '\n') break;
            line.write(c);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Until a prompt line comes after the last line typed; false when QEMU has exited or the wait ran out. */
    private boolean awaitPrompt() throws IOException {
        long deadline = System.nanoTime() + promptWait.toNanos();
        try {
            while (true) {
                List<ConsoleLine> lines = vm.lines();
                for (ConsoleLine l : lines.subList(Math.min(typedAt, lines.size()), lines.size())) {
                    if (ScenarioRun.PROMPT.match(l.text(), Map.of()).isPresent()) return true;
                }
                if (!vm.isRunning()) {
                    why = "QEMU exited before the piped input was all typed";
                    return false;
                }
                if (System.nanoTime() > deadline) {
                    why = "no '" + ScenarioRun.PROMPT_TEXT + "' prompt came within " + promptWait.toSeconds()
                            + " s, so the rest of the piped input was not typed";
                    return false;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the guest's prompt", e);
        }
    }
}
