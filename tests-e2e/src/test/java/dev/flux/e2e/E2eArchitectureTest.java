package dev.flux.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The end-to-end tests see the product only as users do: processes, configuration files, sockets. */
@AnalyzeClasses(packages = "dev.flux.e2e")
class E2eArchitectureTest {

    @ArchTest
    static final ArchRule noProductClasses = noClasses()
            .that().resideInAPackage("dev.flux.e2e..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.flux.node..", "dev.flux.client..", "dev.flux.cli..", "dev.flux.protocol..")
            .because("an end-to-end test that calls product code in-process tests that code, not the built jars");
}
