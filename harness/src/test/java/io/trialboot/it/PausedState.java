package io.trialboot.it;

import io.trialboot.guest.StatusReply;
import io.trialboot.harness.SavedState;
import io.trialboot.markers.Marker;
import java.util.List;
import java.util.Set;

/**
 * A phase state saved in the middle of an operation (its recipe paused the guest at a console
 * line), as the lines its recipe printed tell it: the status and history of the checked state the
 * recipe started from (it asks {@code nx status} and {@code nx history} there first), the
 * operation's lines up to the pause, and the partitions the state's own disk holds writes of. These
 * are facts from before any restore of the state: a point takes them only from the snapshot's record
 * ({@link io.trialboot.harness.QemuVm#saved}), never from the live console (docs/reliability.md,
 * "Points that resume an operation").
 *
 * @param status    {@code nx status} in the checked state the recipe started from
 * @param history   its {@code history: #} lines there
 * @param operation the console lines after the operation's echo, up to the pause
 * @param written   the partitions the state's saved disk holds writes of (since that checked state, or before it)
 */
record PausedState(StatusReply status, List<String> history, List<String> operation, Set<String> written) {
    PausedState {
        history = List.copyOf(history);
        operation = List.copyOf(operation);
        written = Set.copyOf(written);
    }

    /**
     * Reads {@code saved}'s recorded lines: {@code nx status}, {@code nx history}, then {@code command}
     * up to a line {@code pausedAt} accepts. Fails when a line {@code notYet} accepts came before the
     * pause took hold (the guest was paused too late: what the state's children wait for is behind it).
     */
    static PausedState of(SavedState saved, String command, Marker pausedAt, Marker notYet) {
        List<String> t = saved.stepLines();
        int status = echo(t, 0, "nx status", saved);
        int statusEnd = prompt(t, status, saved);
        int history = echo(t, statusEnd, "nx history", saved);
        int historyEnd = prompt(t, history, saved);
        int op = echo(t, historyEnd, command, saved);
        List<String> operation = t.subList(op + 1, t.size());
        if (operation.stream().noneMatch(Nx.matches(pausedAt))) {
            throw new IllegalStateException(saved.name() + ": its recorded lines do not reach '" + pausedAt.template()
                    + "' after '" + command + "'");
        }
        if (operation.stream().anyMatch(Nx.matches(notYet))) {
            throw new IllegalStateException(saved.name() + ": paused too late, '" + notYet.template()
                    + "' came before the pause took hold");
        }
        return new PausedState(StatusReply.parse(GuestConsole.output(t.subList(status + 1, statusEnd))),
                t.subList(history + 1, historyEnd).stream().filter(Nx.matches(Marker.HISTORY_ENTRY)).toList(),
                operation, saved.partitionsWritten());
    }

    /** Index of the first text at or after {@code from} that echoes {@code command}. */
    private static int echo(List<String> t, int from, String command, SavedState saved) {
        for (int i = from; i < t.size(); i++) {
            if (t.get(i).contains(command)) return i;
        }
        throw new IllegalStateException(saved.name() + ": no '" + command + "' in its recorded lines");
    }

    /** Index of the prompt after updated's answer to the command echoed at {@code echo}. */
    private static int prompt(List<String> t, int echo, SavedState saved) {
        boolean answered = false;
        for (int i = echo + 1; i < t.size(); i++) {
            answered |= t.get(i).startsWith("updated: ");
            if (answered && GuestConsole.isPrompt(t.get(i))) return i;
        }
        throw new IllegalStateException(saved.name() + ": no answer to '" + t.get(echo) + "' in its recorded lines");
    }
}
