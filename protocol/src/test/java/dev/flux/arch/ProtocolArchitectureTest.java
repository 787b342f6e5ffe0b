package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The wire protocol is the bottom of the module graph: it knows neither the node nor the clients. */
@AnalyzeClasses(packages = "dev.flux.protocol", importOptions = ImportOption.DoNotIncludeTests.class)
class ProtocolArchitectureTest {

    @ArchTest
    static final ArchRule protocolDependsOnNoModuleAboveIt = noClasses()
            .that().resideInAPackage("dev.flux.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.flux.node..", "dev.flux.client..", "dev.flux.cli..")
            .because("protocol is shared by the node and the clients (docs: DESIGN.md, module table)");
}
