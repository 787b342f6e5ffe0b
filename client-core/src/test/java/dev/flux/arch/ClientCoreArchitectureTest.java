package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The agent engine is shared by {@code fluxctl} and the desktop app, so it holds no UI of either kind: no console
 * output, no JavaFX, no picocli, and it logs through SLF4J only.
 */
@AnalyzeClasses(packages = "dev.flux.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientCoreArchitectureTest {

    @ArchTest
    static final ArchRule noStandardStreams = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
            .because("the agent runs inside the desktop app and a service; output belongs to the UI or the log");

    /**
     * Stricter than {@code GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING}, which only catches a JUL
     * logger stored in a field, not {@code Logger.getLogger(..).info(..)} called inline.
     */
    @ArchTest
    static final ArchRule noJavaUtilLogging = noClasses()
            .that().resideInAPackage("dev.flux.client..")
            .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
            .as("no classes in dev.flux.client.. should use java.util.logging")
            .because("the project logs through SLF4J");

    @ArchTest
    static final ArchRule clientCoreDependsOnNoUiAndNoOtherModule = noClasses()
            .that().resideInAPackage("dev.flux.client..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("javafx..", "picocli..", "dev.flux.node..", "dev.flux.cli..")
            .because("client-core may depend on protocol only (DESIGN.md, module table); the UIs depend on it");
}
