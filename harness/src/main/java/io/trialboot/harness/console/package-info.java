/**
 * {@code scripts/vm}: {@link io.trialboot.harness.console.VmConsole} boots the guest through the
 * harness's launcher and gives this terminal its console ({@link io.trialboot.harness.VmTerminal});
 * a session per run directory ({@code Sessions}), scripted walks ({@code Scenario}), and the client
 * that attaches to a failed test's kept VM ({@code AttachClient}).
 */
package io.trialboot.harness.console;
