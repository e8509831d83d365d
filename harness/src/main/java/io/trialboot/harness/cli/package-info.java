/**
 * Command-line entry points behind the scripts: {@link io.trialboot.harness.cli.QemuTestCli}
 * ({@code scripts/qemu-test.sh}: boot with the selftest on, gate on a contract) and
 * {@link io.trialboot.harness.cli.VmCli} ({@code scripts/vm}: a console, optionally after a
 * scripted scenario).
 */
package io.trialboot.harness.cli;
