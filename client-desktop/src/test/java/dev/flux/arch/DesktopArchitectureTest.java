package dev.flux.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** MVVM as in STYLE.md: Views show, ViewModels decide and talk to client-core, one executor runs the slow work. */
@AnalyzeClasses(packages = "dev.flux.desktop", importOptions = ImportOption.DoNotIncludeTests.class)
class DesktopArchitectureTest {

    @ArchTest
    static final ArchRule viewsDoNotTalkToTheCore = noClasses()
            .that().haveSimpleNameEndingWith("View")
            .should().dependOnClassesThat().resideInAPackage("dev.flux.client..")
            .because("only ViewModels talk to client-core");

    @ArchTest
    static final ArchRule viewModelsNeedNoScreen = noClasses()
            .that().haveSimpleNameEndingWith("ViewModel").or().haveSimpleName("TunnelRow").or().haveSimpleName("DisplayedState")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..", "javafx.fxml..")
            .because("ViewModels are unit-tested without a screen");

    @ArchTest
    static final ArchRule oneExecutorStartsThreads = noClasses()
            .that().doNotHaveSimpleName("BackgroundTasks")
            .should().dependOnClassesThat().areAssignableTo(Thread.class)
            .because("background work goes through BackgroundTasks; no new Thread() in screens or ViewModels");

    @ArchTest
    static final ArchRule noConsole = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

    @ArchTest
    static final ArchRule desktopDependsOnNoNodeOrControlPlaneCode = noClasses()
            .that().resideInAPackage("dev.flux.desktop..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.flux.node..", "dev.flux.controlplane..",
                    "dev.flux.cli..")
            .because("client-desktop depends on client-core (and through it protocol) only");
}
