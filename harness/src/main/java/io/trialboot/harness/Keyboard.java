package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Predicate;

/** Typing at the guest console: now, or the moment a console line comes (see {@link QemuVm#type}, {@link QemuVm#typeAfter}). */
final class Keyboard {
    private final VmLifecycle lifecycle;
    private final ConsoleTriggers lines;

    Keyboard(VmLifecycle lifecycle, ConsoleTriggers lines) {
        this.lifecycle = lifecycle;
        this.lines = lines;
    }

    void type(String command) {
        byte[] bytes = typedBytes(command);
        try {
            lifecycle.liveProcess("type '" + command + "'").write(bytes);
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "cannot type '" + command + "': " + e.getMessage(), e);
        }
    }

    void typeWhen(Predicate<String> line, String command) {
        Objects.requireNonNull(line, "line");
        byte[] bytes = typedBytes(command);
        lines.arm(line, () -> {
            QemuProcess p = lifecycle.process();
            try {
                if (p != null && p.alive()) p.write(bytes);
            } catch (IOException e) {
                // QEMU went away as the line arrived: the await reports its exit
            }
        });
    }

    /** {@code command} and Enter, as the console receives them. */
    private static byte[] typedBytes(String command) {
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("command holds control character 0x"
                        + Integer.toHexString(c) + " at " + i + ": type one line of printable text");
            }
        }
        return (command + "\r").getBytes(StandardCharsets.UTF_8);
    }
}
