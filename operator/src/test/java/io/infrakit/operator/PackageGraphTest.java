package io.infrakit.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package graph of store, plugins and operator (their main classes), as docs/architecture.md draws it: no
 * cycle between any two packages, the group model free of I/O and of the packages that act on it, leadership
 * knowing nothing of the controller, and the modules' one-way arrows.
 */
class PackageGraphTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // the modules' test jars
            .importPackages("io.infrakit.store", "io.infrakit.plugins", "io.infrakit.operator");

    @Test
    void seesTheThreeModules() {
        assertThat(CLASSES.containPackage("io.infrakit.store.election")).isTrue();
        assertThat(CLASSES.containPackage("io.infrakit.plugins.rpc")).isTrue();
        assertThat(CLASSES.containPackage("io.infrakit.operator.controller")).isTrue();
        assertThat(CLASSES.containPackage("io.infrakit.store.testing")).as("no test classes").isFalse();
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.infrakit.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theGroupModelDoesNoIoAndKnowsOnlyPluginValues() {
        classes().that().resideInAPackage("io.infrakit.operator.group").should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.infrakit.operator.group", "io.infrakit.plugins.group",
                        "io.infrakit.plugins.spi", "io.infrakit.plugins.json", "java.lang..", "java.util..",
                        "java.time..", "java.math..", "java.nio.charset..", "java.security..",
                        "com.fasterxml.jackson..")
                .check(CLASSES);
    }

    @Test
    void everythingOnTheModelDependsOnItNotTheOtherWayRound() {
        noClasses().that().resideInAPackage("io.infrakit.operator.group").should().dependOnClassesThat()
                .resideInAnyPackage("io.infrakit.operator.controller..", "io.infrakit.operator.write..",
                        "io.infrakit.operator.cli..", "io.infrakit.operator.groupsocket..",
                        "io.infrakit.operator.sync..", "io.infrakit.store..")
                .check(CLASSES);
    }

    @Test
    void leadershipKnowsNothingOfTheController() {
        noClasses().that().resideInAPackage("io.infrakit.operator.election").should().dependOnClassesThat()
                .resideInAnyPackage("io.infrakit.operator.controller..", "io.infrakit.operator.write..",
                        "io.infrakit.operator.group..")
                .check(CLASSES);
    }

    @Test
    void modulesPointOneWay() {
        noClasses().that().resideInAPackage("io.infrakit.store..").should().dependOnClassesThat()
                .resideInAnyPackage("io.infrakit.plugins..", "io.infrakit.operator..").check(CLASSES);
        noClasses().that().resideInAPackage("io.infrakit.plugins..").should().dependOnClassesThat()
                .resideInAnyPackage("io.infrakit.store..", "io.infrakit.operator..").check(CLASSES);
    }
}
