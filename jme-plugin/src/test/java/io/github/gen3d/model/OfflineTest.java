package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Offline is enforced by the runtime's code, not by the build: a fresh JVM with no DJL_OFFLINE in its environment
 * and no ai.djl.offline property loads and runs the tiny bundle without a single http(s) connection attempt (every
 * attempt would be recorded by {@link OfflineProbe}'s URL handler), while plain DJL in the same setting does try to
 * call home, which shows the probe would see it. An environment that says DJL_OFFLINE=false is refused, and so is
 * a classpath without the PyTorch native jar (instead of DJL downloading one).
 */
class OfflineTest {

    static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        int attempts() {
            for (String line : output.split("\n")) {
                if (line.startsWith("ATTEMPTS ")) {
                    return Integer.parseInt(line.substring(9).trim());
                }
            }
            throw new AssertionError("the probe printed no ATTEMPTS line:\n" + output);
        }
    }

    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static Result probe(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return probeWith(classPath(), env, args);
    }

    static Result probeWith(String cp, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(OfflineProbe.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("DJL_OFFLINE");
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String tinyFolder() throws Exception {
        Path json = Paths.get(OfflineTest.class.getClassLoader().getResource(TinyBundleTest.RESOURCE
                + "/bundle.json").toURI());
        return json.getParent().toString();
    }

    @Test
    void runtimeMakesNoNetworkAttemptEvenWithoutOfflineEnvironment() throws Exception {
        Result r = probe(Map.of(), "runtime", tinyFolder());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("RAN Tensor[1, 4, 3, 8, 8]"), r.output);
        assertEquals(0, r.attempts(), r.output);
    }

    @Test
    void plainDjlWithoutOfflineDoesTryTheNetwork() throws Exception {
        Result r = probe(Map.of(), "plain-djl");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.attempts() > 0, "the probe must see DJL's call home when nothing stops it:\n" + r.output);
    }

    @Test
    void environmentAskingForOnlineIsRefused() throws Exception {
        Result r = probe(Map.of("DJL_OFFLINE", "false"), "runtime", tinyFolder());
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("refuses to start DJL online"), r.output);
        assertEquals(0, r.attempts(), r.output);
    }

    @Test
    void nativeLibraryComesFromTheClasspath() {
        assertTrue(ModelRuntime.nativeLibraryAvailable(), "pytorch-native-cpu must be a runtime dependency");
        assertTrue(classPath().contains("pytorch-native-cpu"), classPath());
    }

    @Test
    void missingNativeJarIsAClearErrorNotADownload() throws Exception {
        StringBuilder cp = new StringBuilder();
        for (String entry : classPath().split(File.pathSeparator)) {
            if (!entry.contains("pytorch-native-cpu")) {
                cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(entry);
            }
        }
        Result r = probeWith(cp.toString(), Map.of(), "runtime", tinyFolder());
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("the PyTorch native library is not on the classpath"), r.output);
        assertEquals(0, r.attempts(), r.output);
    }
}
