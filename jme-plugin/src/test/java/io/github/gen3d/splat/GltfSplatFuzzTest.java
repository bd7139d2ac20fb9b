package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.GltfSplatFormatTest.Glb;
import io.github.gen3d.splat.GltfSplatFormatTest.RawGlb;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Structure-aware fuzzing of the glTF reader: {@link SplatFuzzTest} flips bytes of the whole .glb (which mostly
 * breaks the JSON syntax); here the JSON of the conformance file is edited as text so that it stays valid JSON
 * and the GLB framing stays right (numbers replaced by edge values, keys renamed or dropped, values swapped,
 * BIN bytes changed), which drives the accessor, view, buffer, node and attribute checks. Each case must read
 * or fail with an IOException that names the file, quickly, without wrapping a reader bug, and a successful read
 * may not exceed the one-splat-per-4-bytes limit.
 */
class GltfSplatFuzzTest {
    private static final String NAME = "fuzz.glb";
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final Pattern KEY = Pattern.compile("\"([A-Za-z_:0-9]+)\"\\s*:");
    private static final String[] EDGE = {"0", "1", "-1", "2", "3", "4", "7", "12", "15", "16", "100", "252", "253",
        "255", "256", "1108", "1109", "5120", "5121", "5122", "5123", "5124", "5125", "5126", "65535", "2147483647",
        "2147483648", "-2147483648", "4294967295", "1e9", "1e300", "1.5", "0.5", "-0.0", "1e-30"};
    private static final String[] KEYS = {"count", "byteOffset", "byteLength", "byteStride", "bufferView", "buffer",
        "componentType", "type", "normalized", "mesh", "children", "matrix", "scale", "rotation", "translation",
        "sparse", "uri", "mode", "scene", "nodes", "extensions", "KHR_gaussian_splatting:ROTATION", "POSITION",
        "KHR_gaussian_splatting:SH_DEGREE_1_COEF_0", "COLOR_0", "min"};

    @Test
    void editedJsonAndBinFailOnlyWithIoExceptions() throws Exception {
        byte[] data = Files.readAllBytes(TestData.splat(GltfSplatFormatTest.CONFORMANCE));
        RawGlb raw = new RawGlb(data);
        String json = raw.root.toString();
        byte[] bin = new byte[raw.bin.remaining()];
        raw.bin.duplicate().get(bin);
        Logger pkg = Logger.getLogger("io.github.gen3d.splat");
        Level saved = pkg.getLevel();
        pkg.setLevel(Level.OFF);
        List<String> failures = new ArrayList<>();
        int ok = 0;
        int cases = 3000;
        try {
            for (int i = 0; i < cases; i++) {
                Random r = new Random(i * 7919L);
                String j = json;
                byte[] b = bin.clone();
                StringBuilder what = new StringBuilder();
                int edits = 1 + r.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    j = mutate(j, b, r, what);
                }
                byte[] glb = Glb.glb(j, b);
                long t0 = System.nanoTime();
                String problem = null;
                try {
                    GaussianCloud c = SplatIO.read(new ByteArrayInputStream(glb), NAME, null, null);
                    ok++;
                    if (c.size() > glb.length / 4) {
                        problem = "read " + c.size() + " splats from " + glb.length + " bytes";
                    }
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).startsWith(NAME + ": ")) {
                        problem = "message does not name the file: " + e.getMessage();
                    } else if (e.getCause() instanceof RuntimeException) {
                        problem = "reader bug: " + e.getCause();
                    }
                } catch (Throwable t) {
                    problem = "threw " + t;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > 2000) {
                    problem = "took " + ms + " ms";
                }
                if (problem != null) {
                    failures.add("case " + i + " (" + what + "): " + problem);
                }
            }
        } finally {
            pkg.setLevel(saved);
        }
        System.out.printf("GltfSplatFuzzTest: %d cases, %d read successfully%n", cases, ok);
        assertTrue(ok > cases / 20 && ok < cases - cases / 20, "the edits should neither all fail nor all pass: "
                + ok);
        assertTrue(failures.isEmpty(), failures.size() + " failing cases:\n"
                + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
    }

    /** One edit of the JSON text (returned) or, for op 5, of the BIN bytes (in place). */
    private static String mutate(String j, byte[] bin, Random r, StringBuilder what) {
        switch (r.nextInt(6)) {
            case 0, 1 -> { // a number becomes an edge value
                List<int[]> spans = spans(NUMBER.matcher(j));
                int[] s = spans.get(r.nextInt(spans.size()));
                String v = EDGE[r.nextInt(EDGE.length)];
                what.append("num@").append(s[0]).append('=').append(v).append(' ');
                return j.substring(0, s[0]) + v + j.substring(s[1]);
            }
            case 2 -> { // a key is renamed to another meaningful key
                List<int[]> spans = spans(KEY.matcher(j));
                int[] s = spans.get(r.nextInt(spans.size()));
                String k = KEYS[r.nextInt(KEYS.length)];
                what.append("key@").append(s[0]).append('=').append(k).append(' ');
                return j.substring(0, s[0]) + "\"" + k + "\":" + j.substring(s[1]);
            }
            case 3 -> { // a key's value is replaced by a value of another shape
                List<int[]> spans = spans(KEY.matcher(j));
                int[] s = spans.get(r.nextInt(spans.size()));
                String[] vals = {"null", "[]", "{}", "\"x\"", "true", "[0,0,0,0]", "[1e400]", "-5"};
                String v = vals[r.nextInt(vals.length)];
                int end = valueEnd(j, s[1]);
                what.append("val@").append(s[0]).append('=').append(v).append(' ');
                return j.substring(0, s[1]) + v + j.substring(end);
            }
            case 4 -> { // a number is copied over another (indices pointing at other things)
                List<int[]> spans = spans(NUMBER.matcher(j));
                int[] a = spans.get(r.nextInt(spans.size()));
                int[] b = spans.get(r.nextInt(spans.size()));
                what.append("copy@").append(a[0]).append("->").append(b[0]).append(' ');
                return j.substring(0, b[0]) + j.substring(a[0], a[1]) + j.substring(b[1]);
            }
            default -> { // BIN bytes changed (NaN/Inf floats, odd integers)
                int at = r.nextInt(bin.length - 4) & ~3;
                int v = new int[] {0x7FC00000, 0x7F800000, 0xFF800000, 0, -1, 0x80808080}[r.nextInt(6)];
                ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                what.append("bin@").append(at).append('=').append(Integer.toHexString(v)).append(' ');
                return j;
            }
        }
    }

    private static List<int[]> spans(Matcher m) {
        List<int[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }

    /** End of the JSON value starting at {@code from} (after optional spaces), by bracket counting. */
    private static int valueEnd(String j, int from) {
        int depth = 0;
        boolean str = false;
        for (int i = from; i < j.length(); i++) {
            char c = j.charAt(i);
            if (str) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    str = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                str = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return j.length();
    }

    @Test
    void valueEndFindsTheEndOfScalarsArraysAndStrings() {
        String j = "{\"a\":[1,[2]],\"b\":\"x,}\",\"c\":3}";
        assertEquals(12, valueEnd(j, 5), "array");
        assertEquals(22, valueEnd(j, 17), "string");
        assertEquals(28, valueEnd(j, 27), "number");
    }
}
