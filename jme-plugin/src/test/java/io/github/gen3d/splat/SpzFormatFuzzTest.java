package io.github.gen3d.splat;

import static io.github.gen3d.splat.SpzFormatTest.bytes;
import static io.github.gen3d.splat.SpzFormatTest.gunzip;
import static io.github.gen3d.splat.SpzFormatTest.gzip;
import static io.github.gen3d.splat.SpzFormatTest.le;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Deterministic mutation fuzzing of the SPZ reader, seeded from the three real files: mutations of the file
 * bytes (gzip or NGSP), and of the decompressed v2/v3 payloads re-gzipped so that the inner parser sees them.
 * Each case must either succeed with a clean cloud or throw an IOException naming the file, within 2 s.
 * About 5,200 cases; a few seconds in all.
 */
class SpzFormatFuzzTest {
    private static final int[] INT_EDGES = {0, 1, 2, 3, 4, 5, 12, 23, 24, 31, 32, 33, 255, 256, 65535, 1 << 24,
        1 << 26, (1 << 26) + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    private static final long[] LONG_EDGES = {0, 1, 2, 36, 37, 100, 220, 1L << 31, 1L << 32, Long.MAX_VALUE, -1,
        Long.MIN_VALUE};

    private int successes;
    private int failures;

    /** First {@code m} points of a decompressed v2/v3 payload, as a payload of its own. */
    static byte[] subset(byte[] raw, int m) {
        ByteBuffer b = le(raw);
        int version = b.getInt(4), n = b.getInt(8), degree = raw[12];
        int rotBytes = version >= 3 ? 4 : 3, shBytes = 3 * ((degree + 1) * (degree + 1) - 1);
        int[] per = {9, 1, 3, 3, rotBytes, shBytes};
        ByteBuffer out = ByteBuffer.allocate((int) (16 + m * SpzFormat.bytesPerPoint(version, degree)))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(raw, 0, 16).putInt(8, m);
        int src = 16;
        for (int size : per) {
            out.put(raw, src, m * size);
            src += n * size;
        }
        return out.array();
    }

    static byte[] flipBits(byte[] d, SplittableRandom r) {
        byte[] c = d.clone();
        for (int k = 1 + r.nextInt(8); k > 0 && c.length > 0; k--) {
            int i = r.nextInt(c.length);
            c[i] ^= (byte) (1 << r.nextInt(8));
        }
        return c;
    }

    static byte[] overwrite(byte[] d, SplittableRandom r) {
        byte[] c = d.clone();
        for (int k = 1 + r.nextInt(4); k > 0 && c.length > 0; k--) {
            int i = r.nextInt(c.length);
            int pick = r.nextInt(3);
            c[i] = (byte) (pick == 0 ? 0 : pick == 1 ? 0xff : r.nextInt(256));
        }
        return c;
    }

    static byte[] truncate(byte[] d, SplittableRandom r) {
        return Arrays.copyOf(d, d.length == 0 ? 0 : r.nextInt(d.length));
    }

    static byte[] extend(byte[] d, SplittableRandom r) {
        byte[] c = Arrays.copyOf(d, d.length + 1 + r.nextInt(64));
        for (int i = d.length; i < c.length; i++) {
            c[i] = (byte) r.nextInt(256);
        }
        return c;
    }

    static byte[] cutSlice(byte[] d, SplittableRandom r) {
        if (d.length < 2) {
            return d;
        }
        int from = r.nextInt(d.length), to = Math.min(d.length, from + 1 + r.nextInt(16));
        byte[] c = new byte[d.length - (to - from)];
        System.arraycopy(d, 0, c, 0, from);
        System.arraycopy(d, to, c, from, d.length - to);
        return c;
    }

    static int edgeInt(SplittableRandom r) {
        return r.nextBoolean() ? INT_EDGES[r.nextInt(INT_EDGES.length)] : r.nextInt();
    }

    /** Edits one header field of a 16-byte legacy header or a 32-byte NGSP header (and its TOC). */
    static byte[] editHeader(byte[] d, SplittableRandom r, boolean ngsp) {
        if (d.length < (ngsp ? 32 : 16)) {
            return flipBits(d, r); // already cut shorter than a header
        }
        byte[] c = d.clone();
        ByteBuffer b = le(c);
        int field = r.nextInt(ngsp ? 9 : 7);
        switch (field) {
            case 0 -> b.putInt(4, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(7)); // version
            case 1 -> {
                int n = b.getInt(8);
                int[] counts = {0, 1, n - 1, n + 1, 2 * n, n * 1000, edgeInt(r)};
                b.putInt(8, counts[r.nextInt(counts.length)]);
            }
            case 2 -> c[12] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : r.nextInt(6)); // SH degree
            case 3 -> c[13] = (byte) (r.nextBoolean() ? r.nextInt(256) : 20 + r.nextInt(6)); // fractional bits
            case 4 -> c[14] = (byte) r.nextInt(256); // flags
            case 5 -> c[15] = (byte) (ngsp ? r.nextInt(9) : r.nextInt(256)); // numStreams / reserved
            case 6 -> b.putInt(0, r.nextBoolean() ? r.nextInt() : 0x5053474e ^ (1 << r.nextInt(32))); // magic
            case 7 -> b.putInt(16, edgeInt(r)); // TOC offset
            default -> {
                int entries = Math.max(1, c[15] & 0xff);
                int at = 32 + 16 * r.nextInt(entries) + (r.nextBoolean() ? 8 : 0);
                if (at + 8 <= c.length) {
                    long old = b.getLong(at);
                    long[] v = {old - 1, old + 1, old * 2, LONG_EDGES[r.nextInt(LONG_EDGES.length)], r.nextLong()};
                    b.putLong(at, v[r.nextInt(v.length)]);
                }
            }
        }
        return c;
    }

    static byte[] mutate(byte[] d, SplittableRandom r, boolean ngsp, boolean header) {
        int kind = r.nextInt(header ? 7 : 5);
        return switch (kind) {
            case 0 -> flipBits(d, r);
            case 1 -> overwrite(d, r);
            case 2 -> truncate(d, r);
            case 3 -> extend(d, r);
            case 4 -> cutSlice(d, r);
            default -> editHeader(d, r, ngsp);
        };
    }

    private void check(ExecutorService ex, SpzFormat spz, byte[] data, String name) throws InterruptedException {
        Future<Object> f = ex.submit(() -> {
            try {
                return spz.read(data, name);
            } catch (IOException e) {
                return e;
            }
        });
        Object result;
        try {
            result = f.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            fail(name + ": no result within 2 s (" + data.length + " bytes)");
            return;
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": unexpected " + e.getCause(), e.getCause());
        }
        if (result instanceof IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(name + ": "), e.getMessage());
            failures++;
        } else {
            GaussianCloud c = (GaussianCloud) result;
            assertTrue(c.validate().isClean(), name + ": " + c.validate());
            successes++;
        }
    }

    @Test
    void mutatedSpzFilesGiveIoExceptionOrACleanCloud() throws Exception {
        byte[] v3 = bytes("spz_v3_train3pts.spz");
        byte[] v4 = bytes("spz_v4_minimal4.spz");
        byte[] v2Full = bytes("spz_v2_fourth_st.spz");
        byte[] v3Raw = gunzip(v3);
        byte[] v2Raw = subset(gunzip(v2Full), 64);
        byte[] v2Small = gzip(v2Raw);
        SpzFormat spz = new SpzFormat();
        // the fixtures themselves read
        for (byte[] ok : new byte[][] {v3, v4, v2Small, gzip(v3Raw)}) {
            spz.read(ok, "fixture");
        }
        // mutated v4 headers often point the TOC past 32 bytes, which the reader logs as skipped extensions
        Logger log = Logger.getLogger(SpzFormat.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.SEVERE);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spz-fuzz");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        int cases = 0;
        try {
            // targets: name, mutation of the bytes that reach the reader
            Object[][] targets = {
                {"gz-v3", 1000, (Function<SplittableRandom, byte[]>) r -> mutate(v3, r, false, false)},
                {"gz-v2", 800, (Function<SplittableRandom, byte[]>) r -> mutate(v2Small, r, false, false)},
                {"ngsp-v4", 1600, (Function<SplittableRandom, byte[]>) r -> mutate(v4, r, true, true)},
                {"payload-v3", 1000, (Function<SplittableRandom, byte[]>) r -> gzip(mutate(v3Raw, r, false, true))},
                {"payload-v2", 800, (Function<SplittableRandom, byte[]>) r -> gzip(mutate(v2Raw, r, false, true))},
                // the full 3 MB file: a few cases only, each inflates up to 8 MB
                {"gz-v2-full", 24, (Function<SplittableRandom, byte[]>) r -> r.nextBoolean()
                    ? flipBits(v2Full, r) : truncate(v2Full, r)},
            };
            long seed = 0;
            for (Object[] t : targets) {
                @SuppressWarnings("unchecked")
                Function<SplittableRandom, byte[]> gen = (Function<SplittableRandom, byte[]>) t[2];
                for (int i = 0; i < (int) t[1]; i++) {
                    SplittableRandom r = new SplittableRandom(0x5eedL * 1_000_003L + seed++);
                    byte[] data = gen.apply(r);
                    // a second mutation now and then, stacking header edits with damage
                    if (r.nextInt(4) == 0 && !t[0].equals("gz-v2-full")) {
                        data = mutate(data, r, t[0].equals("ngsp-v4"), t[0].equals("ngsp-v4"));
                    }
                    check(ex, spz, data, t[0] + "#" + i + ".spz");
                    cases++;
                }
            }
        } finally {
            ex.shutdownNow();
            log.setLevel(level);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SPZ fuzz: %d cases, %d read, %d IOException, %.1f s%n", cases, successes, failures,
                seconds);
        assertTrue(cases >= 5000);
        assertTrue(successes > 50 && failures > 500, "both outcomes exercised: " + successes + "/" + failures);
    }
}
