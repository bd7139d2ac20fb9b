package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.SplatTestSupport.RawPly;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deterministic mutation fuzzing of the readers through {@link SplatIO#read(java.io.InputStream, String,
 * SplatFrame, SplatFrame)}. Each case mutates a real sample (bit flips, bytes set to 0/0xFF/random, truncation,
 * edits of header numbers and words, duplicated or deleted chunks, appended junk) and must end in success or an
 * {@link IOException} naming the file, within 2 s; never another exception, an error, or an IOException that
 * merely wraps a reader bug. Where the mutation cannot change the meaning of the layout (body bytes of a binary
 * PLY, any byte of a .splat), the read must succeed with the original splat count.
 *
 * <p>To fuzz another format, add its samples to {@link #samples()} (e.g. SPZ files as {@link Kind#OPAQUE} with a
 * bound on the splat count per input byte).
 */
class SplatFuzzTest {
    /** How much the test knows about a sample's layout. */
    enum Kind {
        /** Binary PLY: header then fixed-size rows; body edits keep the count. */
        PLY_BINARY,
        /** Text PLY, or binary with lists and mixed types: only "IOException or success" plus a size bound. */
        PLY_OTHER,
        /** .splat: 32 bytes per splat, no header. */
        SPLAT,
        /** Anything else (compressed formats): only "IOException or success" plus {@link Sample#maxSplats}. */
        OPAQUE
    }

    /**
     * One fuzz input.
     *
     * @param name file name passed to the reader (its extension picks the format)
     * @param data original bytes
     * @param kind what is known about the layout
     * @param cases number of mutated cases
     * @param maxSplats upper bound on the splats a successful read of {@code n} bytes may return
     */
    record Sample(String name, byte[] data, Kind kind, int cases, IntUnaryOperator maxSplats) {
    }

    private static final long PER_CASE_LIMIT_MS = 2000;
    private static ExecutorService executor;
    private static Level savedLevel;
    private static final Logger PACKAGE_LOGGER = Logger.getLogger("io.github.gen3d.splat");

    @BeforeAll
    static void setUp() {
        executor = newExecutor();
        // mutated files produce many (expected) warnings about odd values; keep the test log readable
        savedLevel = PACKAGE_LOGGER.getLevel();
        PACKAGE_LOGGER.setLevel(Level.OFF);
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "splat-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
        PACKAGE_LOGGER.setLevel(savedLevel);
    }

    static List<Sample> samples() throws IOException {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("inria_sh3_train3pts.ply", read("inria_sh3_train3pts.ply"), Kind.PLY_BINARY, 2500,
                n -> n / 14));
        s.add(new Sample("inria_sh3_pc_short_100.ply", read("inria_sh3_pc_short_100.ply"), Kind.PLY_BINARY, 800,
                n -> n / 14));
        s.add(new Sample("playcanvas_compressed_sh3_64.ply", read("playcanvas_compressed_sh3_64.ply"),
                Kind.PLY_BINARY, 1500, n -> n / 4));
        s.add(new Sample("inria_sh0_luigi.ply", read("inria_sh0_luigi.ply"), Kind.PLY_BINARY, 200, n -> n / 14));
        s.add(new Sample("ascii_train3pts.ply", asciiCopy(read("inria_sh3_train3pts.ply")), Kind.PLY_OTHER, 1200,
                n -> n / 14));
        s.add(new Sample("big_endian_lists.ply", bigEndianWithLists(), Kind.PLY_OTHER, 1200, n -> n / 14));
        s.add(new Sample("antimatter15_train3pts.splat", read("antimatter15_train3pts.splat"), Kind.SPLAT, 1200,
                n -> n / 32));
        s.add(new Sample("real_lastchance_14007.splat", read("real_lastchance_14007.splat"), Kind.SPLAT, 200,
                n -> n / 32));
        // SPZ through the facade (SpzFormatFuzzTest also fuzzes the decompressed payloads directly); a gzip
        // stream expands at most ~1032:1 and a point takes at least 9 bytes, zstd (v4) at most 32768:1
        s.add(new Sample("spz_v3_train3pts.spz", read("spz_v3_train3pts.spz"), Kind.OPAQUE, 800, n -> n * 115));
        s.add(new Sample("spz_v4_minimal4.spz", read("spz_v4_minimal4.spz"), Kind.OPAQUE, 800, n -> n * 3641));
        s.add(new Sample("spz_v2_fourth_st.spz", read("spz_v2_fourth_st.spz"), Kind.OPAQUE, 40, n -> n * 115));
        // glTF: instancing may repeat a mesh, but the reader caps the result at one splat per 4 bytes
        s.add(new Sample("khr_gaussian_splatting_conformance.glb", read("khr_gaussian_splatting_conformance.glb"),
                Kind.OPAQUE, 1500, n -> n / 4));
        return s;
    }

    private static byte[] read(String file) throws IOException {
        return Files.readAllBytes(TestData.splat(file));
    }

    /** The same splats as an ascii PLY, written here from the raw floats. */
    private static byte[] asciiCopy(byte[] binary) {
        RawPly raw = new RawPly(binary);
        StringBuilder sb = new StringBuilder("ply\nformat ascii 1.0\nelement vertex " + raw.count + "\n");
        for (String n : raw.names) {
            sb.append("property float ").append(n).append('\n');
        }
        sb.append("element face 1\nproperty list uchar int vertex_indices\nend_header\n");
        for (int i = 0; i < raw.count; i++) {
            for (String n : raw.names) {
                sb.append(raw.get(i, n)).append(' ');
            }
            sb.append('\n');
        }
        sb.append("3 0 1 2\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A big-endian PLY with a list element before the vertices, mixed property types, and faces after. */
    private static byte[] bigEndianWithLists() {
        String head = "ply\nformat binary_big_endian 1.0\nelement meta 2\nproperty list uchar int ids\n"
                + "property ushort tag\nelement vertex 4\nproperty double x\nproperty float y\nproperty short z\n"
                + "property uchar f_dc_0\nproperty char f_dc_1\nproperty float f_dc_2\nproperty float opacity\n"
                + "property float scale_0\nproperty float scale_1\nproperty float scale_2\nproperty int rot_0\n"
                + "property float rot_1\nproperty float rot_2\nproperty float rot_3\n"
                + "element face 2\nproperty list uchar uint vertex_indices\nend_header\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
        b.put(head.getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 2).putInt(5).putInt(6).putShort((short) 1);
        b.put((byte) 0).putShort((short) 2);
        Random r = new Random(3);
        for (int i = 0; i < 4; i++) {
            b.putDouble(r.nextGaussian()).putFloat((float) r.nextGaussian()).putShort((short) r.nextInt(100));
            b.put((byte) r.nextInt(256)).put((byte) r.nextInt(256)).putFloat((float) r.nextGaussian());
            for (int j = 0; j < 4; j++) {
                b.putFloat((float) r.nextGaussian());
            }
            b.putInt(r.nextInt(5)).putFloat(r.nextFloat()).putFloat(r.nextFloat()).putFloat(r.nextFloat());
        }
        b.put((byte) 3).putInt(0).putInt(1).putInt(2);
        b.put((byte) 3).putInt(1).putInt(2).putInt(3);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** Header length and the bytes a binary PLY's elements need (float/uint/uchar properties only). */
    static int[] binaryLayout(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 65536), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("end_header\n") + 11;
        long body = 0;
        long count = 0;
        long stride = 0;
        for (String line : text.substring(0, end).split("\n")) {
            String[] t = line.split(" ");
            if (t[0].equals("element")) {
                body += count * stride;
                count = Long.parseLong(t[2]);
                stride = 0;
            } else if (t[0].equals("property")) {
                stride += switch (t[1]) {
                    case "float", "uint" -> 4;
                    case "uchar" -> 1;
                    default -> throw new AssertionError(line);
                };
            }
        }
        body += count * stride;
        return new int[] {end, (int) (end + body)};
    }

    /** A mutated input and what may be expected of it. */
    private record Case(byte[] data, String what, boolean bodyOnly) {
    }

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final String[] NUMBERS = {"0", "1", "2", "3", "255", "256", "65536", "2147483647", "2147483648",
        "4294967295", "4294967296", "9223372036854775807", "99999999999999999999", "-1", "", "1.5", "1e3"};
    private static final String[][] WORDS = {{"float", "double"}, {"float", "uchar"}, {"float", "list uchar float"},
        {"uint", "ushort"}, {"uchar", "float"}, {"binary_little_endian", "binary_big_endian"},
        {"binary_little_endian", "ascii"}, {"ascii", "binary_little_endian"}, {"vertex", "vertices"},
        {"f_rest_1", "f_rest_99"}, {"opacity", "opacit"}, {"end_header", "end_heade"}, {"element", "property"},
        {"property", "element"}, {"chunk", "vertex"}, {"sh", "shh"}, {"\n", "\r\n"}, {" ", "  "}, {"x", "q"}};

    private static Case mutate(Sample s, Random r, int headerEnd) {
        return mutate(s, r, headerEnd, true);
    }

    /** @param headerKnown false once an earlier edit may have moved or cut the header */
    private static Case mutate(Sample s, Random r, int headerEnd, boolean headerKnown) {
        byte[] d = s.data.clone();
        int len = d.length;
        int op = r.nextInt(9);
        boolean textHeader = s.kind != Kind.SPLAT && s.kind != Kind.OPAQUE && headerKnown;
        switch (op) {
            case 0 -> { // bit flips
                int n = 1 + r.nextInt(8);
                boolean body = r.nextBoolean() && headerEnd < len;
                StringBuilder w = new StringBuilder("flip");
                for (int k = 0; k < n; k++) {
                    int at = body ? headerEnd + r.nextInt(len - headerEnd) : r.nextInt(len);
                    int bit = r.nextInt(8);
                    d[at] ^= (byte) (1 << bit);
                    w.append(' ').append(at).append(':').append(bit);
                }
                return new Case(d, w.toString(), body);
            }
            case 1 -> { // bytes set to 0, 0xFF or random
                int n = 1 + r.nextInt(4);
                boolean body = r.nextBoolean() && headerEnd < len;
                StringBuilder w = new StringBuilder("set");
                for (int k = 0; k < n; k++) {
                    int at = body ? headerEnd + r.nextInt(len - headerEnd) : r.nextInt(len);
                    int v = switch (r.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> 0xFF;
                        default -> r.nextInt(256);
                    };
                    d[at] = (byte) v;
                    w.append(' ').append(at).append('=').append(v);
                }
                return new Case(d, w.toString(), body);
            }
            case 2 -> { // truncation, biased towards the header and record boundaries
                int cut = switch (r.nextInt(3)) {
                    case 0 -> r.nextInt(Math.min(len, headerEnd + 64) + 1);
                    case 1 -> Math.max(0, len - 1 - r.nextInt(Math.min(len, 300)));
                    default -> r.nextInt(len + 1);
                };
                return new Case(Arrays.copyOf(d, cut), "truncate " + cut, false);
            }
            case 3 -> { // header number edits
                if (!textHeader) {
                    return mutate(s, r, headerEnd, headerKnown);
                }
                String head = new String(d, 0, headerEnd, StandardCharsets.ISO_8859_1);
                List<int[]> runs = new ArrayList<>();
                Matcher m = DIGITS.matcher(head);
                while (m.find()) {
                    runs.add(new int[] {m.start(), m.end()});
                }
                int[] run = runs.get(r.nextInt(runs.size()));
                String repl;
                if (r.nextInt(3) == 0) {
                    StringBuilder digits = new StringBuilder();
                    int nd = 1 + r.nextInt(20);
                    for (int k = 0; k < nd; k++) {
                        digits.append((char) ('0' + r.nextInt(10)));
                    }
                    repl = digits.toString();
                } else if (r.nextBoolean()) {
                    char[] old = head.substring(run[0], run[1]).toCharArray();
                    old[r.nextInt(old.length)] = (char) ('0' + r.nextInt(10));
                    repl = new String(old);
                } else {
                    repl = NUMBERS[r.nextInt(NUMBERS.length)];
                }
                byte[] out = splice(d, run[0], run[1], repl.getBytes(StandardCharsets.ISO_8859_1));
                return new Case(out, "number@" + run[0] + " -> '" + repl + "'", false);
            }
            case 4 -> { // header word edits, line deletion or duplication
                if (!textHeader) {
                    return mutate(s, r, headerEnd, headerKnown);
                }
                String head = new String(d, 0, headerEnd, StandardCharsets.ISO_8859_1);
                String[] lines = head.split("\n", -1);
                int li = 1 + r.nextInt(lines.length - 2);
                String newHead;
                String what;
                if (r.nextInt(3) == 0) {
                    List<String> l = new ArrayList<>(Arrays.asList(lines));
                    if (r.nextBoolean()) {
                        l.remove(li);
                        what = "delete line " + li;
                    } else {
                        l.add(li, lines[li]);
                        what = "duplicate line " + li;
                    }
                    newHead = String.join("\n", l);
                } else {
                    String[] w = WORDS[r.nextInt(WORDS.length)];
                    int at = head.indexOf(w[0], r.nextInt(Math.max(1, head.length() / 2)));
                    if (at < 0) {
                        at = head.indexOf(w[0]);
                    }
                    if (at < 0) {
                        return mutate(s, r, headerEnd, headerKnown);
                    }
                    newHead = head.substring(0, at) + w[1] + head.substring(at + w[0].length());
                    what = "word@" + at + " '" + w[0].replace("\n", "\\n") + "' -> '" + w[1].replace("\n", "\\n")
                            + "'";
                }
                return new Case(splice(d, 0, headerEnd, newHead.getBytes(StandardCharsets.ISO_8859_1)), what,
                        false);
            }
            case 5 -> { // duplicate a chunk
                int a = r.nextInt(len);
                int n = 1 + r.nextInt(Math.min(len - a, 512));
                int at = r.nextInt(len + 1);
                byte[] chunk = Arrays.copyOfRange(d, a, a + n);
                return new Case(splice(d, at, at, chunk), "dup " + a + "+" + n + " at " + at, false);
            }
            case 6 -> { // delete a chunk
                int a = r.nextInt(len);
                int n = 1 + r.nextInt(Math.min(len - a, 512));
                return new Case(splice(d, a, a + n, new byte[0]), "delete " + a + "+" + n, false);
            }
            case 7 -> { // append junk
                byte[] junk = new byte[1 + r.nextInt(100)];
                r.nextBytes(junk);
                return new Case(splice(d, len, len, junk), "append " + junk.length, false);
            }
            default -> { // two mutations
                Case a = mutate(new Sample(s.name, d, s.kind, 0, s.maxSplats), r, headerEnd, headerKnown);
                if (a.data.length == 0) {
                    return a;
                }
                boolean intact = headerKnown && a.bodyOnly && a.data.length == len;
                Case b = mutate(new Sample(s.name, a.data, s.kind, 0, s.maxSplats), r,
                        Math.min(headerEnd, a.data.length), intact);
                return new Case(b.data, a.what + " ; " + b.what, a.bodyOnly && b.bodyOnly
                        && a.data.length == len && b.data.length == len);
            }
        }
    }

    private static byte[] splice(byte[] d, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + insert.length);
        out.write(d, 0, from);
        out.write(insert, 0, insert.length);
        out.write(d, to, d.length - to);
        return out.toByteArray();
    }

    @Test
    void mutatedSamplesFailOnlyWithIoExceptionsAndNeverHang() throws Exception {
        List<String> failures = new ArrayList<>();
        int total = 0;
        int succeeded = 0;
        long slowestNs = 0;
        String slowest = "";
        long t0 = System.nanoTime();
        for (Sample s : samples()) {
            int[] layout = s.kind == Kind.PLY_BINARY ? binaryLayout(s.data) : null;
            int headerEnd = s.kind == Kind.PLY_BINARY ? layout[0]
                    : s.kind == Kind.PLY_OTHER ? new String(s.data, StandardCharsets.ISO_8859_1)
                            .indexOf("end_header\n") + 11 : 0;
            int originalCount = SplatIO.read(new ByteArrayInputStream(s.data), s.name, null, null).size();
            for (int i = 0; i < s.cases; i++) {
                long seed = s.name.hashCode() * 1_000_003L + i;
                Case c = mutate(s, new Random(seed), headerEnd);
                total++;
                String id = s.name + " case " + i + " (seed " + seed + ", " + c.what + ", " + c.data.length
                        + " bytes)";
                long start = System.nanoTime();
                GaussianCloud cloud = null;
                Throwable thrown = null;
                boolean timedOut = false;
                // a second try on a timeout tells a real hang from a pause of this shared machine
                for (int attempt = 0; attempt < 2; attempt++) {
                    start = System.nanoTime();
                    Future<GaussianCloud> f = executor.submit(
                            () -> SplatIO.read(new ByteArrayInputStream(c.data), s.name, null, SplatFrame.RUB));
                    try {
                        cloud = f.get(PER_CASE_LIMIT_MS, TimeUnit.MILLISECONDS);
                        timedOut = false;
                        break;
                    } catch (TimeoutException e) {
                        f.cancel(true);
                        timedOut = true;
                        // the worker may be stuck; use a fresh one
                        executor.shutdownNow();
                        executor = newExecutor();
                    } catch (ExecutionException e) {
                        thrown = e.getCause();
                        timedOut = false;
                        break;
                    }
                }
                if (timedOut) {
                    failures.add(id + ": took longer than " + PER_CASE_LIMIT_MS + " ms, twice");
                    continue;
                }
                if (System.nanoTime() - start > slowestNs) {
                    slowestNs = System.nanoTime() - start;
                    slowest = id;
                }
                String problem = check(s, c, cloud, thrown, layout, originalCount);
                if (problem != null) {
                    failures.add(id + ": " + problem);
                }
                if (cloud != null) {
                    succeeded++;
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("SplatFuzzTest: %d cases, %d read successfully, %d ms total, slowest %.1f ms: %s%n",
                total, succeeded, ms, slowestNs / 1e6, slowest);
        assertTrue(total >= 3000, "at least 3000 cases");
        assertTrue(failures.isEmpty(), failures.size() + " failing cases, first ones:\n"
                + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
    }

    /** @return null if the outcome is acceptable, else what is wrong */
    private static String check(Sample s, Case c, GaussianCloud cloud, Throwable thrown, int[] layout,
            int originalCount) {
        int len = c.data.length;
        if (thrown != null) {
            if (!(thrown instanceof IOException)) {
                return "threw " + thrown;
            }
            String msg = String.valueOf(thrown.getMessage());
            // aircompressor signals corrupt zstd input with MalformedInputException: data, not a bug
            if (thrown.getCause() instanceof RuntimeException
                    && !(thrown.getCause() instanceof io.airlift.compress.MalformedInputException)) {
                return "reader bug wrapped by the facade: " + thrown.getCause();
            }
            if (!msg.startsWith(s.name)) {
                return "message does not start with the file name: " + msg;
            }
        }
        boolean sameLength = len == s.data.length;
        switch (s.kind) {
            case SPLAT -> {
                boolean valid = len > 0 && len % 32 == 0;
                if (valid != (cloud != null)) {
                    return valid ? "a valid .splat length failed: " + thrown : "an invalid length was read";
                }
                if (cloud != null && cloud.size() != len / 32) {
                    return "read " + cloud.size() + " splats from " + len + " bytes";
                }
            }
            case PLY_BINARY -> {
                if (c.bodyOnly && sameLength && cloud == null) {
                    return "a body-only edit made the read fail: " + thrown;
                }
                if (c.bodyOnly && sameLength && cloud.size() != originalCount) {
                    return "a body-only edit changed the count to " + cloud.size();
                }
                if (c.what.startsWith("truncate ") && !c.what.contains(";")) {
                    boolean enough = len >= layout[1];
                    if (enough != (cloud != null)) {
                        return enough ? "a cut that keeps all data failed: " + thrown
                                : "a cut below the required " + layout[1] + " bytes was read";
                    }
                }
            }
            default -> {
            }
        }
        if (cloud != null && cloud.size() > s.maxSplats.applyAsInt(len)) {
            return "read " + cloud.size() + " splats from only " + len + " bytes";
        }
        return null;
    }

    @Test
    void layoutOfTheSamplesIsAsDocumented() throws IOException {
        // guards the expectations above: SOURCES.md sizes
        assertEquals(1526 + 3 * 248, binaryLayout(read("inria_sh3_train3pts.ply"))[1]);
        assertEquals(40357 - 14029, binaryLayout(read("inria_sh3_pc_short_100.ply"))[1]);
        assertEquals(5752, binaryLayout(read("playcanvas_compressed_sh3_64.ply"))[1]);
        assertEquals(988183, binaryLayout(read("inria_sh0_luigi.ply"))[1]);
    }
}
