package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** {@code fluxctl} drives an agent; the node is only a test-scope dependency here, for tests against a real one. */
@AnalyzeClasses(packages = "dev.flux.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientCliArchitectureTest {

    @ArchTest
    static final ArchRule cliDependsOnNoNodeCode = noClasses()
            .that().resideInAPackage("dev.flux.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.flux.node..")
            .because("client-cli may depend on client-core (and through it protocol) only (DESIGN.md, module table)");
}
