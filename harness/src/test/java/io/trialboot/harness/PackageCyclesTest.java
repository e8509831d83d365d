package io.trialboot.harness;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * No package cycle among the main classes of the harness and the modules it depends on (one-way
 * arrows, docs/architecture.md): a new cycle fails the build here.
 */
@AnalyzeClasses(packages = "io.trialboot", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {
    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.trialboot.(**)").should().beFreeOfCycles();
}
