package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.service.AssetCache.WriteStage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetCacheTest {
    private static final int H = AssetCache.HEADER_BYTES;
    private static final Logger CACHE_LOG = Logger.getLogger(AssetCache.class.getName());

    @TempDir
    Path tmp;

    private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level oldLevel;
    private boolean oldUseParent;

    /** Records the cache's log, and keeps the expected warnings off the console. */
    @BeforeEach
    void captureLog() {
        oldLevel = CACHE_LOG.getLevel();
        oldUseParent = CACHE_LOG.getUseParentHandlers();
        CACHE_LOG.setLevel(Level.INFO);
        CACHE_LOG.setUseParentHandlers(false);
        CACHE_LOG.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        CACHE_LOG.removeHandler(capture);
        CACHE_LOG.setUseParentHandlers(oldUseParent);
        CACHE_LOG.setLevel(oldLevel);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String key(String prompt) {
        return AssetCache.key(Map.of("prompt", prompt, "seed", "42"));
    }

    private AssetCache cache(long maxBytes) throws IOException {
        return new AssetCache(tmp.resolve("cache"), maxBytes);
    }

    /** Every file in the cache folder whose name is a temporary file's. */
    private static List<Path> tempFiles(AssetCache c) throws IOException {
        try (Stream<Path> s = Files.list(c.dir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(AssetCache.TEMP_PREFIX)).toList();
        }
    }

    private static long fileCount(AssetCache c) throws IOException {
        try (Stream<Path> s = Files.list(c.dir())) {
            return s.count();
        }
    }

    private List<LogRecord> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        }
    }

    private static String text(LogRecord r) {
        return new java.util.logging.SimpleFormatter().formatMessage(r);
    }

    /** Asserts that the entry for key is a miss, was deleted and was warned about naming the file. */
    private void assertCorruptMiss(AssetCache c, String k, String what) throws IOException {
        logged.clear();
        assertTrue(c.get(k).isEmpty(), what + ": served");
        assertFalse(Files.exists(c.fileFor(k)), what + ": not deleted");
        List<LogRecord> w = warnings();
        assertEquals(1, w.size(), what + ": warnings " + w.size());
        assertTrue(text(w.get(0)).contains(c.fileFor(k).toString()), what + ": warning doesn't name the file: "
                + text(w.get(0)));
    }

    private static void setModified(AssetCache c, String k, Instant t) throws IOException {
        Files.setLastModifiedTime(c.fileFor(k), FileTime.from(t));
    }

    // --- round trip and keys ---------------------------------------------------------------------------------------

    @Test
    void missThenHitReturnsIdenticalBytes() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("chair");
        assertTrue(c.get(k).isEmpty());
        byte[] payload = bytes(1, 5000);
        c.put(k, payload);
        byte[] got = c.get(k).orElseThrow();
        assertArrayEquals(payload, got);
        got[0] ^= 1; // the caller's copy
        assertArrayEquals(payload, c.get(k).orElseThrow());
        assertEquals(1, c.entryCount());
        assertEquals(H + 5000L, c.sizeBytes());

        String empty = key("nothing");
        c.put(empty, new byte[0]);
        assertArrayEquals(new byte[0], c.get(empty).orElseThrow());

        byte[] other = bytes(2, 100);
        c.put(k, other); // overwrite
        assertArrayEquals(other, c.get(k).orElseThrow());
        assertEquals(2, c.entryCount());
        assertTrue(tempFiles(c).isEmpty());
        assertTrue(warnings().isEmpty());
    }

    @Test
    void entryFileHasTheDocumentedLayout() throws Exception {
        AssetCache c = cache(1 << 20);
        String k = key("lamp");
        byte[] payload = bytes(3, 77);
        c.put(k, payload);
        assertEquals(c.dir().resolve(k + ".g3dc"), c.fileFor(k));
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(c.fileFor(k)));
        assertEquals(H + 77, f.remaining());
        byte[] magic = new byte[8];
        f.get(magic);
        assertArrayEquals("G3DCACHE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), magic);
        assertEquals(2, f.getInt());
        assertEquals(77L, f.getLong());
        byte[] stored = new byte[32];
        f.get(stored);
        assertEquals(k, java.util.HexFormat.of().formatHex(stored), "the key it was stored under");
        byte[] sha = new byte[32];
        f.get(sha);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(payload), sha);
        byte[] rest = new byte[f.remaining()];
        f.get(rest);
        assertArrayEquals(payload, rest);
    }

    @Test
    void keyIsOrderIndependentAndSensitiveToEveryPart() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("model", "default-v1");
        a.put("prompt", "a red chair");
        a.put("seed", "42");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("seed", "42");
        b.put("prompt", "a red chair");
        b.put("model", "default-v1");
        String ka = AssetCache.key(a);
        assertEquals(ka, AssetCache.key(b));
        assertEquals(ka, AssetCache.key(new HashMap<>(a)));
        assertTrue(ka.matches("[0-9a-f]{64}"), ka);

        List<Map<String, String>> variants = List.of(
                Map.of("model", "default-v2", "prompt", "a red chair", "seed", "42"), // a value
                Map.of("model", "default-v1", "prompt", "a red chair", "seed", "43"),
                Map.of("model", "default-v1", "prompt", "a red chair", "Seed", "42"), // a name
                Map.of("model", "default-v1", "prompt", "a red chair"), // a part missing
                Map.of("model", "default-v1", "prompt", "a red chair", "seed", "42", "steps", "50"), // one more
                Map.of("model", "default-v1", "prompt", "a red chair ", "seed", "42"));
        List<String> keys = new ArrayList<>(List.of(ka));
        for (Map<String, String> v : variants) {
            keys.add(AssetCache.key(v));
        }
        assertEquals(keys.size(), keys.stream().distinct().count(), keys.toString());

        // unambiguous serialisation: moving the boundary between name and value, or between parts, changes the key
        assertNotEquals(AssetCache.key(Map.of("ab", "c")), AssetCache.key(Map.of("a", "bc")));
        assertNotEquals(AssetCache.key(Map.of("a", "b=c")), AssetCache.key(Map.of("a=b", "c")));
        assertNotEquals(AssetCache.key(Map.of("a", "b", "c", "d")), AssetCache.key(Map.of("a", "bcd")));
        assertNotEquals(AssetCache.key(Map.of("a", "")), AssetCache.key(Map.of()));
        assertNotEquals(AssetCache.key(Map.of("a", "", "b", "")),
                AssetCache.key(Map.of("a", "\u0000\u0000\u0000\u0001b")));
        // unpaired surrogates are not collapsed (as a UTF-8 encoding would)
        assertNotEquals(AssetCache.key(Map.of("p", "\uD800")), AssetCache.key(Map.of("p", "\uDC00")));
        // pinned (the key names files that outlive the process), computed independently from the documented
        // encoding: sha256("gen3d-asset-cache-key/1\n" + for each part by name: int len + UTF-16BE name, same value)
        assertEquals("4e5eef37d151aa78c1950a7348827fddb261e4bffe50c741bbfe6c66244bad91",
                AssetCache.key(Map.of("seed", "42", "model", "m")));
    }

    @Test
    void keyRejectsNulls() {
        assertThrows(IllegalArgumentException.class, () -> AssetCache.key(null));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("prompt", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AssetCache.key(nullValue));
        assertTrue(e.getMessage().contains("prompt"), e.getMessage());
        Map<String, String> nullName = new HashMap<>();
        nullName.put(null, "x");
        assertThrows(IllegalArgumentException.class, () -> AssetCache.key(nullName));
    }

    @Test
    void badKeysAreRejected() throws IOException {
        AssetCache c = cache(1 << 20);
        String good = key("x");
        List<String> bad = new ArrayList<>(List.of("../x", "", "abc", good.toUpperCase(java.util.Locale.ROOT),
                good.substring(1), good + "0", "../" + good.substring(3), good.substring(1) + "/",
                good.substring(0, 63) + "g", " " + good.substring(1), good.substring(0, 63) + "\n"));
        bad.add(null);
        for (String k : bad) {
            assertThrows(IllegalArgumentException.class, () -> c.get(k), "get " + k);
            assertThrows(IllegalArgumentException.class, () -> c.put(k, new byte[1]), "put " + k);
            assertThrows(IllegalArgumentException.class, () -> c.remove(k), "remove " + k);
            assertThrows(IllegalArgumentException.class, () -> c.fileFor(k), "fileFor " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> c.put(good, null));
        assertThrows(IllegalArgumentException.class, () -> c.put(good, new byte[1], null));
        assertEquals(0, fileCount(c));
    }

    @Test
    void constructorValidatesItsArguments() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> new AssetCache(null, 100));
        assertThrows(IllegalArgumentException.class, () -> new AssetCache(tmp.resolve("a"), 0));
        assertThrows(IllegalArgumentException.class, () -> new AssetCache(tmp.resolve("a"), -1));
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThrows(IOException.class, () -> new AssetCache(file, 100));
        AssetCache nested = new AssetCache(tmp.resolve("x/y/z"), 100);
        assertTrue(Files.isDirectory(nested.dir()));
        assertEquals(tmp.resolve("x/y/z"), nested.dir());
    }

    @Test
    void removeDeletesTheEntry() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("table");
        assertFalse(c.remove(k));
        c.put(k, bytes(4, 10));
        assertTrue(c.remove(k));
        assertFalse(c.remove(k));
        assertTrue(c.get(k).isEmpty());
        assertEquals(0, c.entryCount());
        assertEquals(0, c.sizeBytes());
    }

    // --- corruption ------------------------------------------------------------------------------------------------

    @Test
    void flippedPayloadByteIsAMissAndTheFileIsDeleted() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("sofa");
        byte[] payload = bytes(5, 1000);
        for (int at : new int[] {0, 500, 999}) {
            c.put(k, payload);
            byte[] f = Files.readAllBytes(c.fileFor(k));
            f[H + at] ^= 0x10;
            Files.write(c.fileFor(k), f);
            assertCorruptMiss(c, k, "payload byte " + at);
            assertTrue(text(warnings().get(0)).contains("checksum"), text(warnings().get(0)));
            c.put(k, payload); // works again after a corrupt miss
            assertArrayEquals(payload, c.get(k).orElseThrow());
        }
    }

    @Test
    void flippedHeaderByteIsAMiss() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("stool");
        byte[] payload = bytes(6, 40);
        for (int at = 0; at < H; at++) {
            c.put(k, payload);
            byte[] f = Files.readAllBytes(c.fileFor(k));
            f[at] ^= (byte) 0x80;
            Files.write(c.fileFor(k), f);
            assertCorruptMiss(c, k, "header byte " + at);
        }
        c.put(k, payload);
        assertArrayEquals(payload, c.get(k).orElseThrow());
    }

    @Test
    void truncatedOrExtendedEntryIsAMiss() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("shelf");
        byte[] payload = bytes(7, 300);
        int full = H + payload.length;
        for (int len : new int[] {0, 1, 7, 8, 11, 12, 19, 20, 40, H - 1, H, H + 1, H + 150, full - 1}) {
            c.put(k, payload);
            byte[] f = Files.readAllBytes(c.fileFor(k));
            Files.write(c.fileFor(k), Arrays.copyOf(f, len));
            assertCorruptMiss(c, k, "truncated to " + len);
        }
        c.put(k, payload);
        byte[] f = Files.readAllBytes(c.fileFor(k));
        Files.write(c.fileFor(k), Arrays.copyOf(f, full + 1)); // a trailing byte
        assertCorruptMiss(c, k, "one byte too long");
        c.put(k, payload);
        assertArrayEquals(payload, c.get(k).orElseThrow());
    }

    @Test
    void lyingLengthIsAMissWithoutAHugeAllocation() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("crate");
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = mx instanceof com.sun.management.ThreadMXBean s
                && s.isThreadAllocatedMemorySupported() ? s : null;
        for (long claimed : new long[] {Long.MAX_VALUE, 1L << 31, Integer.MAX_VALUE, Integer.MAX_VALUE - 8,
                1L << 30, Long.MIN_VALUE, -1, 11, 9}) {
            ByteBuffer f = ByteBuffer.allocate(H + 10);
            f.put(AssetCache.MAGIC).putInt(AssetCache.FORMAT_VERSION).putLong(claimed).put(new byte[32]);
            f.put(bytes(8, 10));
            Files.write(c.fileFor(k), f.array());
            long before = alloc == null ? 0 : alloc.getThreadAllocatedBytes(Thread.currentThread().getId());
            assertTimeout(Duration.ofSeconds(2), () -> assertCorruptMiss(c, k, "claimed length " + claimed));
            if (alloc != null) {
                long used = alloc.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                assertTrue(used < 16 << 20, "claimed length " + claimed + " allocated " + used + " bytes");
            }
            assertTrue(text(warnings().get(0)).contains("length"), text(warnings().get(0)));
        }
    }

    @Test
    void garbageFileIsAMiss() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("barrel");
        Files.write(c.fileFor(k), bytes(9, 4096));
        assertCorruptMiss(c, k, "random bytes");
        assertTrue(text(warnings().get(0)).contains("magic"), text(warnings().get(0)));
        Files.writeString(c.fileFor(k), "G3DCACHE but then just some text that is long enough for a header .....");
        assertCorruptMiss(c, k, "text");
        byte[] payload = bytes(10, 64);
        c.put(k, payload);
        assertArrayEquals(payload, c.get(k).orElseThrow());
    }

    @Test
    void aValidEntryCopiedUnderAnotherKeyIsAMiss() throws IOException {
        // regression: a copied (or renamed) entry file was served for the key its new name says
        AssetCache c = cache(1 << 20);
        String a = key("well");
        String b = key("cart");
        c.put(a, bytes(12, 50));
        Files.copy(c.fileFor(a), c.fileFor(b));
        assertCorruptMiss(c, b, "entry of another key");
        assertTrue(text(warnings().get(0)).contains("not the key its name says"), text(warnings().get(0)));
        assertArrayEquals(bytes(12, 50), c.get(a).orElseThrow(), "the original is still served");
    }

    @Test
    void aFifoUnderAnEntrysNameIsAMissWithoutBlocking() throws Exception {
        // regression: a FIFO as a cache entry hung the reader in open()
        AssetCache c = cache(1 << 20);
        String k = key("fifo");
        Process mk = new ProcessBuilder("mkfifo", c.fileFor(k).toString()).start();
        assertEquals(0, mk.waitFor());
        assertTimeout(Duration.ofSeconds(5), () -> assertCorruptMiss(c, k, "a FIFO"));
    }

    @Test
    void unreadableEntryIsAMiss() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("vase");
        Files.createDirectory(c.fileFor(k)); // an (empty) folder under the entry's name cannot be read as one
        assertCorruptMiss(c, k, "a folder");
        c.put(k, bytes(11, 5));
        assertArrayEquals(bytes(11, 5), c.get(k).orElseThrow());
    }

    // --- atomicity -------------------------------------------------------------------------------------------------

    @Test
    void failedPutLeavesNoEntryAndNoTempFile() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("bench");
        for (WriteStage stage : WriteStage.values()) {
            for (boolean unchecked : new boolean[] {false, true}) {
                AtomicInteger calls = new AtomicInteger();
                AssetCache.WriteHook failAt = (s, temp) -> {
                    assertTrue(Files.exists(temp));
                    assertEquals(c.dir(), temp.getParent());
                    if (s == stage) {
                        calls.incrementAndGet();
                        if (unchecked) {
                            throw new IllegalStateException("simulated crash at " + s);
                        }
                        throw new IOException("simulated disk error at " + s);
                    }
                };
                Class<? extends Exception> expected = unchecked ? IllegalStateException.class : IOException.class;
                Exception e = assertThrows(expected, () -> c.put(k, bytes(12, 2000), failAt));
                assertTrue(e.getMessage().contains(stage.name()), e.getMessage());
                assertEquals(1, calls.get());
                assertFalse(Files.exists(c.fileFor(k)), stage + ": an entry under the final name");
                assertEquals(0, fileCount(c), stage + ": files left " + tempFiles(c));
                assertTrue(c.get(k).isEmpty());
            }
        }
        assertTrue(warnings().isEmpty());
    }

    @Test
    void failedOverwriteKeepsTheOldEntry() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("desk");
        byte[] old = bytes(13, 3000);
        c.put(k, old);
        for (WriteStage stage : WriteStage.values()) {
            assertThrows(IOException.class, () -> c.put(k, bytes(14, 5000), (s, temp) -> {
                if (s == stage) {
                    throw new IOException("simulated failure at " + s);
                }
            }));
            assertArrayEquals(old, c.get(k).orElseThrow(), stage.name());
            assertTrue(tempFiles(c).isEmpty(), stage + ": " + tempFiles(c));
            assertEquals(1, c.entryCount());
        }
        assertTrue(warnings().isEmpty());
    }

    @Test
    void failedRenameLeavesNoTempFile() throws IOException {
        AssetCache c = cache(1 << 20);
        String k = key("door");
        Path blocker = Files.createDirectory(c.fileFor(k));
        Files.writeString(blocker.resolve("inside"), "x"); // a non-empty folder cannot be replaced by a rename
        assertThrows(IOException.class, () -> c.put(k, bytes(15, 100)));
        assertTrue(tempFiles(c).isEmpty(), tempFiles(c).toString());
        assertTrue(Files.isDirectory(blocker));
    }

    @Test
    void constructorDeletesStaleTempFilesOnly() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        Path stale = Files.write(dir.resolve(AssetCache.TEMP_PREFIX + "123" + AssetCache.TEMP_SUFFIX), bytes(16, 500));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.write(dir.resolve(AssetCache.TEMP_PREFIX + "456" + AssetCache.TEMP_SUFFIX), bytes(17, 500));
        Path foreign = Files.writeString(dir.resolve("README.txt"), "not an entry");
        AssetCache c = new AssetCache(dir, 1 << 20);
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh)); // perhaps another process's put in progress
        assertTrue(Files.exists(foreign));
        assertEquals(0, c.entryCount());
        assertEquals(0, c.sizeBytes());
        c.put(key("x"), bytes(18, 10));
        assertEquals(1, c.entryCount());
        assertEquals(H + 10L, c.sizeBytes());
    }

    // --- eviction --------------------------------------------------------------------------------------------------

    @Test
    void leastRecentlyUsedEntriesAreEvicted() throws IOException {
        int n = 1000;
        AssetCache c = cache(3L * (H + n) + 500); // fits 3 entries
        Instant t = Instant.now().minus(Duration.ofHours(1));
        String[] k = {key("a"), key("b"), key("c"), key("d"), key("e")};
        for (int i = 0; i < 5; i++) {
            c.put(k[i], bytes(20 + i, n));
            setModified(c, k[i], t.plus(Duration.ofMinutes(10 * i))); // explicit, distinct recency
            assertTrue(c.sizeBytes() <= c.maxBytes());
        }
        assertEquals(3, c.entryCount());
        assertTrue(c.get(k[0]).isEmpty());
        assertTrue(c.get(k[1]).isEmpty());
        for (int i = 2; i < 5; i++) {
            assertArrayEquals(bytes(20 + i, n), c.get(k[i]).orElseThrow(), "entry " + i);
        }
        assertTrue(warnings().isEmpty());
    }

    @Test
    void aHitMakesAnEntryRecentSoItSurvivesEviction() throws IOException {
        int n = 1000;
        AssetCache c = cache(3L * (H + n) + 500);
        Instant t = Instant.now().minus(Duration.ofHours(1));
        String[] k = {key("a"), key("b"), key("c"), key("d"), key("e")};
        for (int i = 0; i < 3; i++) {
            c.put(k[i], bytes(30 + i, n));
            setModified(c, k[i], t.plus(Duration.ofMinutes(10 * i)));
        }
        assertTrue(c.get(k[0]).isPresent()); // the oldest becomes the most recent
        assertTrue(Files.getLastModifiedTime(c.fileFor(k[0])).toInstant().isAfter(t.plus(Duration.ofMinutes(30))));
        c.put(k[3], bytes(33, n)); // evicts b
        setModified(c, k[3], t.plus(Duration.ofMinutes(30)));
        c.put(k[4], bytes(34, n)); // evicts c
        assertEquals(3, c.entryCount());
        assertTrue(c.get(k[1]).isEmpty());
        assertTrue(c.get(k[2]).isEmpty());
        assertArrayEquals(bytes(30, n), c.get(k[0]).orElseThrow());
        assertArrayEquals(bytes(33, n), c.get(k[3]).orElseThrow());
        assertArrayEquals(bytes(34, n), c.get(k[4]).orElseThrow());
    }

    @Test
    void constructorEvictsToASmallerLimit() throws IOException {
        int n = 100;
        AssetCache big = cache(1 << 20);
        Instant t = Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            big.put(key("p" + i), bytes(40 + i, n));
            setModified(big, key("p" + i), t.plus(Duration.ofMinutes(i)));
        }
        AssetCache small = cache(2L * (H + n));
        assertEquals(2, small.entryCount());
        assertTrue(small.get(key("p3")).isPresent());
        assertTrue(small.get(key("p4")).isPresent());
    }

    @Test
    void oversizedPayloadIsNotStored() throws IOException {
        AssetCache c = cache(1000);
        String small = key("small");
        c.put(small, bytes(50, 10));
        logged.clear();
        String k = key("huge");
        c.put(k, bytes(51, 1000 - H + 1)); // its entry alone would be 1001 bytes
        assertTrue(c.get(k).isEmpty());
        assertFalse(Files.exists(c.fileFor(k)));
        assertTrue(c.get(small).isPresent(), "nothing evicted for a payload that isn't stored");
        assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.INFO && text(r).contains(k)));
        assertTrue(tempFiles(c).isEmpty());

        byte[] fits = bytes(52, 1000 - H); // exactly the limit: stored, the other entry evicted
        c.put(k, fits);
        assertArrayEquals(fits, c.get(k).orElseThrow());
        assertTrue(c.get(small).isEmpty());
        assertEquals(1000, c.sizeBytes());
    }

    // --- concurrency -----------------------------------------------------------------------------------------------

    @Test
    void concurrentPutsAndGetsSeeWholePayloads() throws Exception {
        int keys = 4;
        int variants = 3;
        String[] k = new String[keys];
        byte[][][] payloads = new byte[keys][variants][];
        for (int i = 0; i < keys; i++) {
            k[i] = key("concurrent " + i);
            for (int v = 0; v < variants; v++) {
                payloads[i][v] = bytes(100 * i + v, 2000 + 700 * v + i);
            }
        }
        AssetCache c = cache(3L * (H + 4000)); // about 3 of the 4 keys fit: evictions race with the rest
        int threads = 8;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
        AtomicInteger hits = new AtomicInteger();
        AtomicInteger puts = new AtomicInteger();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            work.add(() -> {
                Random r = new Random(seed);
                start.await();
                for (int it = 0; it < 400 && System.nanoTime() < deadline; it++) {
                    int i = r.nextInt(keys);
                    int op = r.nextInt(10);
                    if (op < 4) {
                        c.put(k[i], payloads[i][r.nextInt(variants)]);
                        puts.incrementAndGet();
                    } else if (op < 9) {
                        Optional<byte[]> got = c.get(k[i]);
                        if (got.isPresent()) {
                            hits.incrementAndGet();
                            boolean known = false;
                            for (byte[] p : payloads[i]) {
                                known |= Arrays.equals(p, got.get());
                            }
                            if (!known) {
                                wrong.add("key " + i + ": " + got.get().length + " unexpected bytes");
                            }
                        }
                    } else {
                        c.remove(k[i]);
                    }
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> w : work) {
                done.add(pool.submit(w));
            }
            start.countDown();
            for (Future<Void> f : done) {
                f.get(30, TimeUnit.SECONDS); // rethrows a worker's exception
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(wrong.isEmpty(), wrong.toString());
        assertTrue(warnings().isEmpty(), () -> "a reader saw a corrupt entry: " + text(warnings().get(0)));
        assertTrue(hits.get() > 0 && puts.get() > 0, hits + " hits, " + puts + " puts");
        assertTrue(tempFiles(c).isEmpty(), tempFiles(c).toString());
        assertTrue(c.sizeBytes() <= c.maxBytes(), c.sizeBytes() + " bytes");
        for (int i = 0; i < keys; i++) {
            Optional<byte[]> got = c.get(k[i]);
            if (got.isPresent()) {
                byte[] g = got.get();
                assertTrue(Arrays.stream(payloads[i]).anyMatch(p -> Arrays.equals(p, g)));
            }
        }
    }
}
