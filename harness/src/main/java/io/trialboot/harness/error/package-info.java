/**
 * The harness's own failures: {@link io.trialboot.harness.error.HarnessException} with a documented
 * {@link io.trialboot.harness.error.HarnessCode} (docs/testing.md, "Harness error codes"). Its own package so
 * that {@code harness}, {@code harness.qmp}, {@code harness.console} and {@code harness.cli} all depend on it
 * and none of them on each other in a cycle.
 */
package io.trialboot.harness.error;
