package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.records.UpdateReceipt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code nx receipts} for a person: one block per receipt, its fields one per line with their
 * values aligned, a blank line between blocks ({@code nx receipts --json} keeps the
 * {@code UpdateReceipt/2} JSON lines). A field the receipt does not have shows {@code -}: a refused
 * input has no release id, only the name its request gave (escaped: {@code RequestedInput.shown}).
 */
final class ReceiptTable {
    private static final String NONE = "-";

    private ReceiptTable() {}

    static List<String> lines(List<UpdateReceipt> receipts) {
        if (receipts.isEmpty()) return List.of("no receipts: nothing was installed or refused yet");
        List<String> out = new ArrayList<>();
        for (UpdateReceipt r : receipts) {
            if (!out.isEmpty()) out.add("");
            out.add("receipt " + r.attempt() + ": " + r.decision()
                    + (r.reasonCodes().isEmpty() ? "" : " " + r.reasonCodes().stream().map(Code::name).collect(Collectors.joining(", "))));
            Map<String, String> f = new LinkedHashMap<>();
            f.put("input", r.input() == null ? NONE : r.input().name());
            f.put("input sha256", r.input() == null ? NONE : or(r.input().sha256()));
            f.put("release", or(r.releaseId()));
            f.put("version", or(r.version()));
            f.put("kind", or(r.kind()));
            f.put("target slot", or(r.targetSlot()));
            f.put("install", r.installStatus().name());
            f.put("switch", r.switchOutcome().name());
            f.put("expected sha256", or(r.expectedSha256()));
            f.put("observed sha256", or(r.observedSha256()));
            f.put("verity root hash", or(r.verityRootHash()));
            f.put("history line", Long.toString(r.logSeq()));
            f.put("build", r.buildId());
            int width = f.keySet().stream().mapToInt(String::length).max().orElse(0);
            f.forEach((k, v) -> out.add("  " + k + " ".repeat(width - k.length()) + "  " + v));
        }
        return out;
    }

    private static String or(String value) {
        return value == null ? NONE : value;
    }
}
