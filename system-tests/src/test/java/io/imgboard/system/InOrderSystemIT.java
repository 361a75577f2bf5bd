package io.imgboard.system;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/**
 * The system tests that change or count what every photo depends on, one after another on one
 * system of their own ({@link SharedSystem}), in the order their {@code @Order} gives: {@code ExportIT}
 * first, on a fresh catalog it counts; {@code CompatIT}, which changes the display box and reprocesses
 * every photo there is; {@code AuthScanIT} last, as it locks addresses out and reads every log.
 * One system for the three saves two starts (about 50 s of both cores each) over a system per class.
 * Failsafe leaves the three out of its own queue (system-tests/pom.xml); {@code -Dit.test=CompatIT}
 * still runs one alone, on a system of its own.
 */
@Suite
@SuiteDisplayName("the system tests that follow one another on one system")
@SelectClasses({ExportIT.class, CompatIT.class, AuthScanIT.class})
@ConfigurationParameter(key = "junit.jupiter.testclass.order.default",
        value = "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
class InOrderSystemIT {
}
