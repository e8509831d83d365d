/**
 * The host packaging tools (never on the guest's classpath: they use BouncyCastle and picocli).
 * Java callers such as the image build start with {@link io.trialboot.tools.Packaging} and
 * {@link io.trialboot.tools.Keys}; the {@code trialboot} CLI is {@link io.trialboot.tools.TrialbootTool},
 * a thin picocli wrapper over them. See {@code docs/formats.md}, "Host tools".
 */
package io.trialboot.tools;
