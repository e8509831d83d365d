package io.trialboot.harness.error;

/**
 * Why the harness itself failed (as opposed to the guest not meeting its contract, which is an
 * {@link AssertionError}). Each code is documented in {@code docs/testing.md}.
 */
public enum HarnessCode {
    /** No guest image: {@code trialboot.image} unset or its properties file absent. */
    IMAGE_MISSING,
    /** The image's properties file lacks a key or names a file that does not exist. */
    IMAGE_INVALID,
    /** A configuration value is out of range (memory, smp, timeout scale, ...). */
    CONFIG_INVALID,
    /** An external tool (qemu-img, ...) exited non-zero. */
    EXEC_FAILED,
    /** An external tool ran past its watchdog timeout and was killed. */
    EXEC_TIMEOUT,
    /** QEMU could not be started under the pty. */
    QEMU_START_FAILED,
    /** The console is gone: QEMU exited or the VM was closed. */
    CONSOLE_CLOSED,
    /** The QMP socket could not be reached, or timed out. */
    QMP_UNAVAILABLE,
    /** QMP answered with an error reply. */
    QMP_ERROR,
    /** QMP sent something that is not the protocol (bad JSON, missing greeting, early EOF). */
    QMP_PROTOCOL,
    /** A snapshot could not be saved or loaded (QEMU's migration failed, or QEMU exited while loading one). */
    SNAPSHOT_FAILED,
    /** The test thread was interrupted while the harness waited (a JUnit timeout, usually). */
    INTERRUPTED
}
