package io.github.gen3d.sample;

import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs a sample app's command line the way the GL tests need: like HeadlessApp, retries (3 tries, each with a
 * fresh app) only when it exits with code 3, no GL context: GLFW on Xvfb now and then fails to create one right
 * after a previous app terminated GLFW in the same JVM.
 */
final class NoGlRetry {
    private NoGlRetry() {
    }

    static int execute(Supplier<?> freshApp, String... args) throws InterruptedException {
        int code = 3;
        for (int attempt = 1; attempt <= 3 && code == 3; attempt++) {
            if (attempt > 1) {
                Thread.sleep(300L * attempt);
            }
            code = new CommandLine(freshApp.get()).execute(args);
        }
        return code;
    }
}
