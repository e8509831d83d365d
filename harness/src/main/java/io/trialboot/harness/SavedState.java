package io.trialboot.harness;

import java.util.List;
import java.util.Set;

/**
 * What a VM knows of a saved state without being in it ({@link QemuVm#saved}): facts from before
 * any restore of it, which a restored run may use only by asking for them (a console line from
 * before a restore never satisfies a contract step after it).
 *
 * @param name              the state's snapshot name
 * @param stepLines         the console lines its recipe's steps printed when it was made, in order
 * @param cached            whether the snapshot cache holds the state (else only this VM knows its lines)
 * @param partitionsWritten the partitions its saved disk holds writes of itself, over the disk it was
 *                          made on (none when it is not cached): every write since the state its recipe
 *                          started from, or since an earlier one ({@link QemuVm#reachOnward}); with the
 *                          writes of a VM restored from it, every write since
 */
public record SavedState(String name, List<String> stepLines, boolean cached, Set<String> partitionsWritten) {
    public SavedState {
        stepLines = List.copyOf(stepLines);
        partitionsWritten = Set.copyOf(partitionsWritten);
    }
}
