package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.internal.SafeFiles;
import io.github.gen3d.testing.TestData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Randomised runs over the hostile inputs of issue 26 (docs/formats.md, "Bad input"): decompression bombs of every
 * SPZ codec and version with random point counts, SH degrees and padding, and special files (FIFOs, devices, folders,
 * links to them) given to every reader that opens a file. Each case must end in an IOException naming the file, or
 * a cloud, quickly and without a large allocation; none may hang.
 */
class HostileInputFuzzTest {
    static final int BOMBS = 400;

    /** Bytes the current thread has allocated so far (HotSpot), or -1. */
    static long allocated() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()
                ? t.getThreadAllocatedBytes(Thread.currentThread().getId()) : -1;
    }

    @Test
    void randomDecompressionBombsFailFastWithoutLargeAllocations() throws Exception {
        SplittableRandom r = new SplittableRandom(2026);
        SpzFormat spz = new SpzFormat();
        int refused = 0;
        long worst = 0;
        for (int i = 0; i < BOMBS; i++) {
            int degree = r.nextInt(4);
            int perPoint = 9 + 1 + 3 + 3 + 4 + 3 * (SphericalHarmonics.coefficientCount(degree) - 1);
            // 40 KB .. 8 MB of zeros behind a header claiming exactly that many points
            int n = Math.max(1, (40_000 + r.nextInt(8_000_000)) / perPoint);
            boolean v4 = r.nextBoolean();
            byte[] bomb = v4 ? SpzFormatBadInputTest.zstdBomb(n, degree) : SpzFormatBadInputTest.gzipBomb(n, degree, r.nextInt(3) + 2);
            String name = "bomb" + i + ".spz";
            // the read runs on the timeout's own thread: its allocation is measured there
            long[] used = {-1};
            Object outcome = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                long before = allocated();
                try {
                    return spz.read(bomb, name);
                } catch (IOException e) {
                    return e;
                } finally {
                    used[0] = before < 0 ? -1 : allocated() - before;
                }
            });
            if (outcome instanceof IOException e) {
                assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                refused++;
            } else {
                // a small bomb may be plausible data (its ratio under the bound): then it is a real cloud
                assertEquals(n, ((GaussianCloud) outcome).size(), name);
            }
            if (used[0] >= 0) {
                worst = Math.max(worst, used[0]);
                // what a bomb may cost: the file's bytes times the plausible ratio, for the payload and the cloud
                long bound = 64L * SpzFormat.MAX_PLAUSIBLE_RATIO * bomb.length + (64 << 20);
                assertTrue(used[0] < bound, name + " (" + bomb.length + " bytes) allocated " + used[0]);
            }
        }
        System.out.println("hostile fuzz: " + BOMBS + " SPZ bombs, " + refused + " refused, the others decoded; worst"
                + " allocation " + (worst >> 10) + " KiB");
        assertTrue(refused > BOMBS * 3 / 4, "most bombs expand far beyond the plausible ratio: " + refused);
    }

    @Test
    void specialFilesAreRefusedByEveryReaderWithoutHanging() throws Exception {
        Path dir = TestData.out("hostile-special");
        SplittableRandom r = new SplittableRandom(7);
        String[] exts = {".ply", ".spz", ".splat", ".glb"};
        int cases = 0;
        for (int i = 0; i < 60; i++) {
            String ext = exts[r.nextInt(exts.length)];
            Path p = dir.resolve("special" + i + ext);
            Files.deleteIfExists(p);
            switch (r.nextInt(4)) {
                case 0 -> assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
                case 1 -> Files.createSymbolicLink(p, Path.of("/dev/zero"));
                case 2 -> Files.createDirectory(p);
                default -> Files.createSymbolicLink(p, Path.of("/dev/urandom"));
            }
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SplatIO.read(p)));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            IOException s = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                            () -> SafeFiles.readRegular(p, 1 << 20)));
            assertTrue(s.getMessage().contains("not a regular file"), s.getMessage());
            cases += 2;
            if (Files.isDirectory(p)) {
                Files.delete(p);
            } else {
                Files.deleteIfExists(p);
            }
        }
        System.out.println("hostile fuzz: " + cases + " special-file reads refused");
    }
}
