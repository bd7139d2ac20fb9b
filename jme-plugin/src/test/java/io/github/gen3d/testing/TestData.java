package io.github.gen3d.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates shared test files and the per-module test output folder. */
public final class TestData {
    private TestData() {
    }

    /**
     * A file in {@code ../shared/testdata/splats/}; fails the test (no skip) when it is missing, because CI
     * always has {@code ../shared} beside the clone.
     *
     * @param name file name
     * @return its path
     */
    public static Path splat(String name) {
        Path p = sharedRoot().resolve("testdata/splats").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("missing shared test file " + p.toAbsolutePath()
                    + " (set -Dgen3d.shared=/path/to/shared)");
        }
        return p;
    }

    /** @return the shared folder (system property gen3d.shared, else ../shared from the repo root) */
    public static Path sharedRoot() {
        String prop = System.getProperty("gen3d.shared");
        if (prop != null) {
            return Paths.get(prop);
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("../shared/testdata"))) {
                return dir.resolve("../shared").normalize();
            }
            dir = dir.getParent();
        }
        throw new AssertionError("cannot find ../shared; set -Dgen3d.shared");
    }

    /**
     * A folder for pictures and files the tests write (target/test-out/&lt;sub&gt;), created if needed.
     *
     * @param sub sub folder
     * @return the folder
     */
    public static Path out(String sub) {
        Path p = Paths.get(System.getProperty("gen3d.testOut", "target/test-out")).resolve(sub);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
