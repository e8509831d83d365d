package io.trialboot.bootctl;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The boot-control file shared by stage 0 (busybox sh) and bootctld (Java): {@code key=value}
 * lines in a fixed order, LF-terminated, ASCII. Stage 0 parses it with {@code read}/{@code case},
 * so the format stays this plain. See {@code docs/formats.md#boot-control}.
 *
 * <pre>
 * schema=trialboot.bootctl/2
 * active=a          slot booted when no trial is pending
 * slot_a=good       empty|invalid|verified|good|bad
 * slot_b=empty
 * trial=            slot on trial, or empty
 * tries_left=0      boots left for the trial slot; stage 0 decrements before booting it
 * boot_count=0      incremented by stage 0 on every boot
 * booted=           the slot stage 0 booted last
 * fallback=         set by stage 0 when a trial ran out of tries; bootctld records and clears it
 * failed_starts=0   starts of the active slot since it last came up ({@link BootControl#cameUp}); stage 0
 *                   adds 1 before booting it and, at {@link #MAX_FAILED_STARTS}, gives it up
 * </pre>
 */
public record BootControlFile(
        Slot active,
        SlotState slotA,
        SlotState slotB,
        Optional<Slot> trial,
        int triesLeft,
        long bootCount,
        Optional<Slot> booted,
        Optional<Slot> fallback,
        int failedStarts) {

    /** Version 2 added {@code failed_starts}: a version-1 file is refused ({@link Code#BOOTCTL_SCHEMA_OLD}). */
    public static final String SCHEMA = "trialboot.bootctl/2";
    private static final String OLD_SCHEMA = "trialboot.bootctl/1";
    /**
     * Consecutive starts of the active slot that never came up after which stage 0 gives the slot
     * up ({@link Code#SLOT_START_LOOP}). Rendered into stage 0's {@code /init}: one definition.
     * Three, so that two power cuts in a row during boot do not demote a healthy slot
     * (docs/verified-boot.md#read-time-corruption).
     */
    public static final int MAX_FAILED_STARTS = 3;
    /** Where the file lives, relative to the root of the state partition. */
    public static final String PATH = "asl-host/domains/system/leases/boot-control";

    private static final List<String> KEYS = List.of(
            "schema", "active", "slot_a", "slot_b", "trial", "tries_left", "boot_count", "booted", "fallback", "failed_starts");

    public BootControlFile {
        if (triesLeft < 0 || triesLeft > 9) {
            throw new IllegalArgumentException("tries_left must be 0..9: " + triesLeft);
        }
        if (bootCount < 0) {
            throw new IllegalArgumentException("boot_count must not be negative: " + bootCount);
        }
        if (failedStarts < 0 || failedStarts > MAX_FAILED_STARTS) {
            throw new IllegalArgumentException("failed_starts must be 0.." + MAX_FAILED_STARTS + ": " + failedStarts);
        }
    }

    /** The state written into a freshly built disk: factory image in slot a, slot b empty. */
    public static BootControlFile factory() {
        return new BootControlFile(Slot.A, SlotState.GOOD, SlotState.EMPTY, Optional.empty(), 0, 0,
                Optional.empty(), Optional.empty(), 0);
    }

    public SlotState state(Slot slot) {
        return slot == Slot.A ? slotA : slotB;
    }

    public BootControlFile withState(Slot slot, SlotState state) {
        return slot == Slot.A
                ? new BootControlFile(active, state, slotB, trial, triesLeft, bootCount, booted, fallback, failedStarts)
                : new BootControlFile(active, slotA, state, trial, triesLeft, bootCount, booted, fallback, failedStarts);
    }

    /** This file with {@code slot} on trial for {@code tries} boots (no checks: see {@link BootControl}). */
    public BootControlFile withTrial(Slot slot, int tries) {
        return new BootControlFile(active, slotA, slotB, Optional.of(slot), tries, bootCount, booted, fallback,
                failedStarts);
    }

    /** This file as stage 0 leaves it after boot number {@code count} of {@code slot}. */
    public BootControlFile withBoot(long count, Slot slot) {
        return new BootControlFile(active, slotA, slotB, trial, triesLeft, count, Optional.of(slot), fallback,
                failedStarts);
    }

    /** This file with {@code n} failed starts of the active slot counted. */
    public BootControlFile withFailedStarts(int n) {
        return new BootControlFile(active, slotA, slotB, trial, triesLeft, bootCount, booted, fallback, n);
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder();
        sb.append("schema=").append(SCHEMA).append('\n');
        sb.append("active=").append(active.letter()).append('\n');
        sb.append("slot_a=").append(slotA.text()).append('\n');
        sb.append("slot_b=").append(slotB.text()).append('\n');
        sb.append("trial=").append(letter(trial)).append('\n');
        sb.append("tries_left=").append(triesLeft).append('\n');
        sb.append("boot_count=").append(bootCount).append('\n');
        sb.append("booted=").append(letter(booted)).append('\n');
        sb.append("fallback=").append(letter(fallback)).append('\n');
        sb.append("failed_starts=").append(failedStarts).append('\n');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A slot's letter, or empty. Not {@code Optional.map(Slot::letter)}: the JVM links each such call
     * site apart, and the class archive held only the first of three (docs/benchmarks.md, "Boot").
     */
    private static String letter(Optional<Slot> slot) {
        return slot.isPresent() ? slot.get().letter() : "";
    }

    public static BootControlFile decode(byte[] bytes) {
        Bounds.check("boot-control file", bytes.length, Bounds.BOOT_CONTROL_BYTES);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.startsWith("schema=" + OLD_SCHEMA + "\n")) {
            throw new TrialbootException(Code.BOOTCTL_SCHEMA_OLD, "boot-control file is " + OLD_SCHEMA
                    + ", written by a stage 0 without the failed-starts counter; this build reads only " + SCHEMA);
        }
        if (!text.endsWith("\n")) {
            throw malformed("does not end with a newline (torn write?)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        // -1 keeps empty lines (split drops trailing ones): the file has one spelling.
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw malformed("line is not key=value: '" + line + "'");
            }
            String key = line.substring(0, eq);
            if (!KEYS.contains(key)) {
                throw malformed("unknown key '" + key + "'");
            }
            if (values.put(key, line.substring(eq + 1)) != null) {
                throw malformed("duplicate key '" + key + "'");
            }
        }
        if (!List.copyOf(values.keySet()).equals(KEYS)) {
            throw malformed("keys must be exactly " + KEYS + " in that order, found " + values.keySet());
        }
        if (!SCHEMA.equals(values.get("schema"))) {
            throw malformed("schema is '" + values.get("schema") + "', expected " + SCHEMA);
        }
        return new BootControlFile(
                Slot.parse(values.get("active")),
                SlotState.parse(values.get("slot_a")),
                SlotState.parse(values.get("slot_b")),
                optionalSlot(values.get("trial")),
                parseNumber("tries_left", values.get("tries_left"), 9),
                parseNumber("boot_count", values.get("boot_count"), 999_999_999),
                optionalSlot(values.get("booted")),
                optionalSlot(values.get("fallback")),
                parseNumber("failed_starts", values.get("failed_starts"), MAX_FAILED_STARTS));
    }

    private static Optional<Slot> optionalSlot(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(Slot.parse(text));
    }

    private static int parseNumber(String key, String text, int max) {
        if (!text.matches("0|[1-9][0-9]{0,8}")) {
            throw malformed(key + " is not a number: '" + text + "'");
        }
        int n = Integer.parseInt(text);
        if (n > max) {
            throw malformed(key + " is over " + max + ": " + n);
        }
        return n;
    }

    private static TrialbootException malformed(String why) {
        return new TrialbootException(Code.MALFORMED_INPUT, "boot-control file " + why);
    }
}
