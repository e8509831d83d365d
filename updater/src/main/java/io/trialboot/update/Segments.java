package io.trialboot.update;

import io.trialboot.core.Slot;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.hoststate.SlotSnapshot.Role;
import io.trialboot.hoststate.SlotSnapshot.Segment;

/**
 * The snapshot record of a slot an install just wrote: its log boundary, the segments it was made of
 * and the verity parameters the release signs for its image.
 */
final class Segments {
    private Segments() {}

    static SlotSnapshot snapshot(Slot slot, InstallPlan r, long logSeq) {
        SlotSnapshot s = r.kind() == InstallPlan.Kind.FULL
                ? SlotSnapshot.whole(slot, r.version(), r.target().digest(), r.target().size(), logSeq)
                : SlotSnapshot.fromDelta(slot, r.version(),
                        new Segment(Role.BASE, r.base().orElseThrow().digest(), r.base().orElseThrow().size()),
                        new Segment(Role.DELTA, r.artifact().digest(), r.artifact().size()),
                        r.target().digest(), r.target().size(), logSeq);
        return s.withVerity(r.verity());
    }
}
