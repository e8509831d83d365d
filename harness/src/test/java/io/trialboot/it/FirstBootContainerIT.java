package io.trialboot.it;

import io.trialboot.harness.QemuTest;

/**
 * {@link FirstBootIT}'s test on the second QEMU: Debian trixie's, inside a container of the locally
 * built image (docs/testing.md, "Running under containers"). Skipped, with the reason printed,
 * where no Docker engine is usable.
 */
@QemuTest(container = true)
class FirstBootContainerIT extends FirstBootIT {}
