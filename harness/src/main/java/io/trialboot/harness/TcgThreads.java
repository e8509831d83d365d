package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.util.Locale;

/**
 * How QEMU's TCG runs the guest's harts: {@link #MULTI}, a host thread a hart (MTTCG, QEMU's own
 * default for riscv64 on this host, and the harness's), or {@link #SINGLE}, one host thread taking
 * them in turn. QEMU 7.2 under MTTCG stalled about one cold boot in 150 beside a CPU-bound process,
 * its second hart never brought up (docs/reliability.md, "The second-hart stall").
 */
public enum TcgThreads {
    SINGLE, MULTI;

    /** {@code -Dtrialboot.tcgThreads=single|multi}; the environment variable is {@value #ENV}. */
    public static final String PROPERTY = "trialboot.tcgThreads";
    public static final String ENV = "TRIALBOOT_TCG_THREADS";

    /** The {@code -accel} value. */
    String accel() {
        return "tcg,thread=" + name().toLowerCase(Locale.ROOT);
    }

    /** The property, else the environment variable, else {@link #MULTI}. */
    public static TcgThreads fromEnvironment() {
        String p = System.getProperty(PROPERTY);
        return p != null && !p.isBlank() ? parse(p, "-D" + PROPERTY) : parse(System.getenv(ENV), ENV);
    }

    /** {@code single} or {@code multi} (any case); null or blank is {@link #MULTI}. */
    static TcgThreads parse(String value, String source) {
        if (value == null || value.isBlank()) return MULTI;
        for (TcgThreads t : values()) {
            if (t.name().equalsIgnoreCase(value.strip())) return t;
        }
        throw new HarnessException(HarnessCode.CONFIG_INVALID, source + " must be single or multi, got '" + value + "'");
    }
}
