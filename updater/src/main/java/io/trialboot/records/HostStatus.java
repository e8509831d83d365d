package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Json;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code host_status_<n>.json}: the result of {@code nx selfcheck} number {@code n}. {@code OK}
 * when {@code failures} is empty; each failure is one line a person can act on, starting with what
 * failed and, where a check has one, its code. {@code checked} says what was verified besides (each
 * bootable slot's signed dm-verity root hash, and with {@code --deep} that its data hashes to it).
 */
public record HostStatus(long n, String buildId, List<String> failures, List<String> checked) {
    public static final String SCHEMA_VERSION = "HostStatus/2";
    private static final Pattern NAME = Pattern.compile("host_status_(\\d{1,9})\\.json");

    public HostStatus {
        failures = List.copyOf(failures);
        checked = List.copyOf(checked);
        if (n < 1) {
            throw new IllegalArgumentException("n starts at 1: " + n);
        }
    }

    public boolean ok() {
        return failures.isEmpty();
    }

    public static String fileName(long n) {
        return "host_status_" + n + ".json";
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("buildId", buildId);
        m.put("n", n);
        m.put("status", ok() ? "OK" : "FAIL");
        m.put("failures", failures);
        m.put("checked", checked);
        return Json.line(m);
    }

    public static HostStatus decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("host status", bytes);
        if (!SCHEMA_VERSION.equals(m.get("schemaVersion"))
                || !m.keySet().equals(Set.of("schemaVersion", "buildId", "n", "status", "failures", "checked"))) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host status must be " + SCHEMA_VERSION);
        }
        List<String> failures = strings(m.get("failures"), "failures");
        HostStatus s = new HostStatus(Json.number(m, "n"), Json.string(m, "buildId"), failures,
                strings(m.get("checked"), "checked"));
        if (!Json.string(m, "status").equals(s.ok() ? "OK" : "FAIL")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host status says " + m.get("status")
                    + " but lists " + failures.size() + " failures");
        }
        return s;
    }

    private static List<String> strings(Object list, String what) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw new TrialbootException(Code.MALFORMED_INPUT, "host status " + what + " must be strings");
                }
                out.add(s);
            }
            return out;
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "host status " + what + " must be a list");
    }

    /** Writes status number {@code n} into {@code dir}. */
    public Path write(Path dir, StateWriter writer) {
        Path f = dir.resolve(fileName(n));
        writer.write(f, encode());
        return f;
    }

    /** The highest-numbered status file in {@code dir}, if any. */
    public static Optional<Path> latest(Path dir) {
        long best = 0;
        Path bestPath = null;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > best) {
                    best = Long.parseLong(m.group(1));
                    bestPath = p;
                }
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list " + dir + ": " + IoFailure.reason(e), e);
        }
        return Optional.ofNullable(bestPath);
    }

    public static HostStatus read(Path file) {
        return decode(StateFiles.read(file, Bounds.RECORD_BYTES, "host status"));
    }
}
