package io.infrakit.store.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Awaitility's defaults for the tests of every module that has this class on its test class path (registered in
 * {@code META-INF/services}), set once per test JVM. Conditions are checked at once and then every 10 ms: what the
 * tests wait for changes within milliseconds, and the library's 100 ms would add up over hundreds of waits. An
 * exception that escapes some other thread is that thread's business (the code under test logs it), not a reason
 * for whatever wait is under way to fail.
 */
public final class AwaitilityDefaults implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }
}
