/**
 * Command-line entry point behind {@code scripts/qemu-test.sh}: {@link io.trialboot.harness.cli.QemuTestCli}
 * (boot with the selftest on, gate on a contract). {@code scripts/vm} is {@link io.trialboot.harness.console}.
 */
package io.trialboot.harness.cli;
