package io.imgboard.system;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/**
 * The system tests that share one system ({@link SharedSystem}), run as one suite: failsafe's two
 * test JVMs take the classes from one queue, each class in a launch of its own whose root store
 * closes after it, so classes queued one by one would each start and stop a system (about 50 s of
 * both cores). As a suite they are one entry of the queue: one JVM runs them one after another on
 * one system, stopped when the last one ends. Failsafe leaves these classes out of its own queue
 * (system-tests/pom.xml); {@code -Dit.test=PipelineIT} still runs one alone, on a system of its own.
 */
@Suite
@SuiteDisplayName("the system tests that share one system")
@SelectClasses({PipelineIT.class, OpsIT.class, FolderSourceIT.class, AdminSectionsIT.class})
class SharedSystemIT {
}
