/**
 * The host-side harness that boots the trialboot guest under {@code qemu-system-riscv64} and
 * asserts the marker contract live.
 *
 * <p>Where a reader starts:
 * <ul>
 *   <li>{@link io.trialboot.harness.QemuTest} / {@link io.trialboot.harness.QemuVmExtension} —
 *       the JUnit 5 extension: one VM per test, injected as a parameter, run directory under
 *       {@code target/qemu-runs/<TestClass>/<method>/}.</li>
 *   <li>{@link io.trialboot.harness.QemuVm} — one guest: console over a pty (timestamped,
 *       boot-indexed lines in {@code serial.log}), {@code type}, {@code await(Contract)},
 *       power cut and restart on the same copy-on-write overlay, {@code timeline.html} per run.</li>
 *   <li>{@link io.trialboot.harness.VmConfig} and {@link io.trialboot.harness.GuestImage} — what
 *       to boot and how.</li>
 *   <li>{@link io.trialboot.harness.qmp.QmpClient} — QEMU's machine protocol on a Unix socket.</li>
 *   <li>{@link io.trialboot.harness.VmTerminal} — a person at a VM's console: Ctrl-A keys, the
 *       monitor, one line per guest reset ({@code scripts/vm}, and a failed test's kept VM).</li>
 * </ul>
 * Every failure of the harness itself is a {@link io.trialboot.harness.error.HarnessException} with a
 * {@link io.trialboot.harness.error.HarnessCode}; a contract that is not met is an
 * {@link AssertionError} carrying the matcher's report.
 */
package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;
