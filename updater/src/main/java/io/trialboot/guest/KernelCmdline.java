package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code trialboot.*} options of the kernel command line: {@code trialboot.selftest=ota} (run
 * the ota-cycle selftest) and {@code trialboot.health_timeout_s=N} (healthd's bound, overriding the
 * host policy's {@code health_timeout_ms}).
 */
record KernelCmdline(Map<String, String> options) {
    static final String SELFTEST = "trialboot.selftest";
    static final String HEALTH_TIMEOUT = "trialboot.health_timeout_s";

    KernelCmdline {
        options = Map.copyOf(options);
    }

    static KernelCmdline parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String word : line.strip().split("\\s+")) {
            int eq = word.indexOf('=');
            if (word.startsWith("trialboot.") && eq > 0) {
                m.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return new KernelCmdline(m);
    }

    /** Reads {@code /proc/cmdline}; an absent file (a host test) is an empty command line. */
    static KernelCmdline read(Path file) {
        try {
            return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new KernelCmdline(Map.of());
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + file + ": " + IoFailure.reason(e), e);
        }
    }

    /** The selftest asked for; only {@code ota} exists, anything else is refused with MALFORMED_INPUT. */
    Optional<String> selftest() {
        String v = options.get(SELFTEST);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.equals("ota")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, SELFTEST + "=" + v + " is unknown (only 'ota')");
        }
        return Optional.of(v);
    }

    /** healthd's bound from the command line, if set: whole seconds, 1..3600. */
    Optional<Duration> healthTimeout() {
        String v = options.get(HEALTH_TIMEOUT);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.matches("[1-9][0-9]{0,3}") || Integer.parseInt(v) > 3600) {
            throw new TrialbootException(Code.MALFORMED_INPUT, HEALTH_TIMEOUT + "=" + v + " must be whole seconds, 1..3600");
        }
        return Optional.of(Duration.ofSeconds(Integer.parseInt(v)));
    }
}
