package io.trialboot.markers;

import java.util.Objects;

/**
 * The markers module's one failure type: a contract or a console log that cannot be used, with a
 * documented {@link Code} (docs/markers.md, "Error codes") and a message naming the file and line.
 * A contract that is <em>not met</em> is not an exception: see {@link ContractFailure}.
 */
public final class ContractException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong; each is documented in docs/markers.md. */
    public enum Code {
        /** A contract file line does not follow the format. */
        CONTRACT_SYNTAX,
        /** A step or forbidden entry names a marker the catalog does not have. */
        CONTRACT_UNKNOWN_MARKER,
        /** A reference names no earlier capture, a capture name repeats, or arithmetic on a non-int. */
        CONTRACT_BAD_REFERENCE,
        /** A contract has no steps, or its boots go backwards. */
        CONTRACT_INVALID,
        /** A built-in contract name that does not exist, or a contract file that cannot be read. */
        CONTRACT_NOT_FOUND,
        /** A serial log line that has the timestamp prefix format wrong. */
        LOG_MALFORMED,
        /** A serial log, or a directory of runs or reports, that is missing or cannot be read. */
        LOG_UNREADABLE,
        /**
         * A directory of runs or reports that exists and reads but holds nothing to check (no
         * contracts.txt and no JUnit report; no run-N directory): a gate that checked nothing never passes.
         */
        NOTHING_TO_CHECK,
        /** A line of a run directory's contracts.txt (the awaits a QEMU run made) is not in its form. */
        RUN_RECORD_MALFORMED
    }

    private final Code code;
    private final int line;

    /** A failure at {@code line} (1-based) of the named source, or 0 when no line applies. */
    public ContractException(Code code, int line, String message) {
        super(Objects.requireNonNull(code, "code") + ": " + message);
        this.code = code;
        this.line = line;
    }

    public ContractException(Code code, String message, Throwable cause) {
        super(Objects.requireNonNull(code, "code") + ": " + message, cause);
        this.code = code;
        this.line = 0;
    }

    public Code code() {
        return code;
    }

    /** The 1-based line the failure is about, 0 when it is not about one line. */
    public int line() {
        return line;
    }
}
