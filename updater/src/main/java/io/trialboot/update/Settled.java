package io.trialboot.update;

import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A confirm or a rollback that took effect: boot control holds it (a confirm's floor and {@code
 * domain.json} too), and the next boot uses {@code slot}. Boot control, not the history, decides
 * what boots, so a history that cannot take the transition's lines (damaged, gone, a full
 * partition) neither undoes nor holds up the verdict: {@code unrecorded} says which lines it did not
 * take and why, and the first boot that can write the history records the transition, marked
 * {@code recovered} (docs/reliability.md, a verdict on a damaged history).
 */
public record Settled(UpdateEngine.Outcome outcome, Slot slot, Optional<Unrecorded> unrecorded) {
    public Settled {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(unrecorded, "unrecorded");
    }

    /** The lines (history events, or the attempt's receipt) not written, and the failure that stopped them. */
    public record Unrecorded(List<String> lines, TrialbootException cause) {
        public Unrecorded {
            lines = List.copyOf(lines);
            Objects.requireNonNull(cause, "cause");
        }

        /** The console line of {@code service} (healthd, update): what was not written, the code, what to do. */
        public String warning(String service) {
            return Marker.VERDICT_UNRECORDED.line(service, String.join(", ", lines) + ": " + Marker.oneLine(cause.getMessage()),
                    cause.code().name());
        }
    }
}
