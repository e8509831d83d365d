package io.trialboot.bootctl;

import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stage 0's note of the last slot it refused to boot (docs/verified-boot.md), one line
 * {@code slot=<a|b> code=<CODE>}: written by the initramfs before it reboots a refused trial or
 * falls back from a refused active slot, taken by bootctld at the next boot into the history.
 * A note that is not that one line is reported as it is, never dropped.
 */
public record Stage0Refusal(String slot, String code) {
    /** Where stage 0 writes it, relative to the root of the state partition. */
    public static final String PATH = "asl-host/domains/system/leases/stage0-refused";
    private static final int BOUND = 256;
    private static final Pattern LINE = Pattern.compile("slot=([ab]) code=([A-Z][A-Z0-9_]{0,63})\n");

    /** Reads and removes the note under {@code stateRoot}; empty when stage 0 left none. */
    public static Optional<Stage0Refusal> take(Path stateRoot, StateWriter writer) {
        Path file = stateRoot.resolve(PATH);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = new String(StateFiles.read(file, BOUND, "stage-0 refusal note"), StandardCharsets.US_ASCII);
        writer.delete(file);
        Matcher m = LINE.matcher(text);
        return Optional.of(m.matches() ? new Stage0Refusal(m.group(1), m.group(2))
                : new Stage0Refusal("?", "unreadable note '" + text.strip().replaceAll("[^ -~]", "?") + "'"));
    }
}
