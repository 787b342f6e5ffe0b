package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The node talks to agents only through the protocol module, never through client code. */
@AnalyzeClasses(packages = "dev.flux.node", importOptions = ImportOption.DoNotIncludeTests.class)
class GatewayNodeArchitectureTest {

    @ArchTest
    static final ArchRule nodeDependsOnNoClientCode = noClasses()
            .that().resideInAPackage("dev.flux.node..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.flux.client..", "dev.flux.cli..")
            .because("gateway-node may depend on protocol only among our modules (DESIGN.md, module table)");
}
