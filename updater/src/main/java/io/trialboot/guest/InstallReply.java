package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.records.UpdateReceipt;
import java.util.List;

/**
 * The answer to {@code StageSystem}: the installed attempt, one {@code key=value} line per field
 * ({@code attempt}, {@code version}, {@code slot}, {@code kind}, {@code sha256}). {@code nx update
 * apply} reads the attempt back to switch to it.
 */
record InstallReply(long attempt, String version, String slot, String kind, String sha256) {
    static InstallReply of(UpdateReceipt r) {
        return new InstallReply(r.attempt(), r.version(), r.targetSlot(), r.kind(), r.observedSha256());
    }

    List<String> lines() {
        return List.of("attempt=" + attempt, "version=" + version, "slot=" + slot, "kind=" + kind, "sha256=" + sha256);
    }

    /** The attempt named by a reply's lines; {@code MALFORMED_INPUT} when none does. */
    static long attemptOf(List<String> lines) {
        return lines.stream().filter(l -> l.matches("attempt=[1-9][0-9]{0,18}")).findFirst()
                .map(l -> Long.parseLong(l.substring("attempt=".length())))
                .orElseThrow(() -> new TrialbootException(Code.MALFORMED_INPUT, "the install reply names no attempt: " + lines));
    }
}
