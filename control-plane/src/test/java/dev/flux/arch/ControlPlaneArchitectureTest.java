package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The control plane's place in the module graph, and the shape inside it. */
@AnalyzeClasses(packages = "dev.flux.controlplane", importOptions = ImportOption.DoNotIncludeTests.class)
class ControlPlaneArchitectureTest {

    @ArchTest
    static final ArchRule noNodeOrClientCode = noClasses()
            .that().resideInAPackage("dev.flux.controlplane..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.flux.node..", "dev.flux.client..", "dev.flux.cli..", "io.netty..")
            .because("the control plane talks to nodes and clients over its APIs only (DESIGN.md, module table)");

    @ArchTest
    static final ArchRule onlyTheDbPackageKnowsTheEmbeddedServer = noClasses()
            .that().resideOutsideOfPackage("dev.flux.controlplane.db..")
            .should().dependOnClassesThat().resideInAPackage("io.zonky..")
            .because("the embedded PostgreSQL is one replaceable default, behind dev.flux.controlplane.db");

    @ArchTest
    static final ArchRule noJpa = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.persistence..", "org.springframework.data.jpa..")
            .because("repositories use JdbcClient and plain SQL");

    @ArchTest
    static final ArchRule noConsoleOutput = noClasses()
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .because("the control plane logs through SLF4J");
}
