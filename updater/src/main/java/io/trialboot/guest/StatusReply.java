package io.trialboot.guest;

import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.DomainState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The answer to {@code GetStatus} ({@code nx status}): one {@code key=value} line per field, in
 * this order. {@link #parse} reads it back from those lines, also among other console lines.
 * Every field is set ({@code trial} is {@code none} when no slot is on trial; {@code verity_a} and
 * {@code verity_b} are the dm-verity root hash signed for the image each slot's snapshot record
 * names, {@code none} without a record or a tree); {@code domain} is the system domain's admission
 * state, last.
 */
public record StatusReply(Slot slot, Version version, long bootCount, String mode, int triesLeft, SlotState slotA,
        SlotState slotB, Slot active, Optional<Slot> trial, Version floor, Optional<Sha256> verityA,
        Optional<Sha256> verityB, DomainState domain) {
    private static final List<String> KEYS = List.of("slot", "version", "boot_count", "mode", "tries_left", "slot_a",
            "slot_b", "active", "trial", "floor", "verity_a", "verity_b", "domain");
    private static final String NONE = "none";

    /** The state of {@code s}. */
    public SlotState state(Slot s) {
        return s == Slot.A ? slotA : slotB;
    }

    /** {@code nx status --json}: the same fields as one JSON object, counts as numbers. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> values = values();
        for (int i = 0; i < KEYS.size(); i++) {
            m.put(KEYS.get(i), values.get(i) instanceof Number n ? (Object) n.longValue() : values.get(i).toString());
        }
        return Json.write(m);
    }

    public List<String> lines() {
        List<Object> values = values();
        return IntStream.range(0, KEYS.size()).mapToObj(i -> KEYS.get(i) + "=" + values.get(i)).toList();
    }

    private List<Object> values() {
        return List.of(slot.letter(), version, bootCount, mode, triesLeft, slotA.text(), slotB.text(),
                active.letter(), trial.map(Slot::letter).orElse(NONE), floor, verityA.map(Sha256::hex).orElse(NONE),
                verityB.map(Sha256::hex).orElse(NONE), domain);
    }

    /**
     * Reads a status from {@code lines}: the first {@code <key>=<value>} line of each field counts,
     * any other line is skipped (a console shows prompts and audit lines around it). A missing or
     * malformed field is {@code MALFORMED_INPUT}.
     */
    public static StatusReply parse(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if (eq > 0 && !l.contains(" ") && KEYS.contains(l.substring(0, eq))) {
                m.putIfAbsent(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        for (String key : KEYS) {
            if (!m.containsKey(key)) {
                throw new TrialbootException(Code.MALFORMED_INPUT, "status gave no " + key + ": " + lines);
            }
        }
        try {
            return new StatusReply(Slot.parse(m.get("slot")), Version.parse(m.get("version")),
                    Long.parseLong(m.get("boot_count")), m.get("mode"), Integer.parseInt(m.get("tries_left")),
                    SlotState.parse(m.get("slot_a")), SlotState.parse(m.get("slot_b")), Slot.parse(m.get("active")),
                    m.get("trial").equals(NONE) ? Optional.empty() : Optional.of(Slot.parse(m.get("trial"))),
                    Version.parse(m.get("floor")), hash(m.get("verity_a")), hash(m.get("verity_b")),
                    DomainState.parse(m.get("domain")));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "status: " + e.getMessage());
        }
    }

    private static Optional<Sha256> hash(String text) {
        return text.equals(NONE) ? Optional.empty() : Optional.of(Sha256.parse(text));
    }
}
