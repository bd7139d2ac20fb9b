package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed files: each must be an IOException whose message starts with the file name and names the problem. */
class SplatBadInputTest {
    private static byte[] train;
    private static int header;

    @BeforeAll
    static void load() throws IOException {
        train = Files.readAllBytes(TestData.splat("inria_sh3_train3pts.ply"));
        header = new String(train, StandardCharsets.ISO_8859_1).indexOf("end_header\n") + 11;
        assertEquals(1526, header, "SOURCES.md: header 1,526 B");
        assertEquals(1526 + 3 * 248, train.length);
    }

    private static IOException fail(byte[] data, String name) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
                () -> SplatIO.read(new ByteArrayInputStream(data), name, null, SplatFrame.RUB)));
    }

    private static void expect(byte[] data, String name, String... parts) {
        IOException e = fail(data, name);
        assertTrue(e.getMessage().startsWith(name + ":") || e.getMessage().startsWith(name + " "),
                "message must start with the name: " + e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    private static byte[] withHeaderEdit(String from, String to) {
        String text = new String(train, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(from));
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 30, 100, 1000, 1516, 1525, 1526, 1527, 1526 + 247, 1526 + 248, 1526 + 496,
        2269})
    void truncatedPly(int length) {
        byte[] cut = Arrays.copyOf(train, length);
        if (length >= header) {
            expect(cut, "cut.ply", "declares 3 vertices (744 bytes) but only " + (length - header)
                    + " bytes follow the header");
        } else if (length < 4) {
            expect(cut, "cut.ply", "not a PLY file");
        } else {
            expect(cut, "cut.ply", "no end_header");
        }
    }

    @Test
    void everyPrefixOfTheSmallPlyFailsCleanly() {
        // exhaustive: all 2,269 proper prefixes
        for (int length = 1; length < train.length; length++) {
            byte[] cut = Arrays.copyOf(train, length);
            IOException e = assertThrows(IOException.class,
                    () -> SplatIO.read(new ByteArrayInputStream(cut), "p.ply", null, null), "length " + length);
            assertTrue(e.getMessage().startsWith("p.ply"), e.getMessage());
        }
    }

    @Test
    void headerClaimsMoreVerticesThanTheFileHolds() {
        expect(withHeaderEdit("element vertex 3", "element vertex 4"), "more.ply",
                "declares 4 vertices (992 bytes) but only 744 bytes follow the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "2147483647", "4294967296", "999999999999999999"})
    void absurdVertexCounts(String count) {
        long n = Long.parseLong(count);
        String bytes = Math.multiplyHigh(n, 248) != 0 || n * 248 < 0 ? "more than 2^63" : String.valueOf(n * 248);
        expect(withHeaderEdit("element vertex 3", "element vertex " + count), "huge.ply",
                "declares " + count + " vertices (" + bytes + " bytes) but only 744 bytes follow the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "3.0", "0x10", "1e9", "99999999999999999999", ""})
    void malformedVertexCounts(String count) {
        expect(withHeaderEdit("element vertex 3", "element vertex " + count), "count.ply", "PLY header line 3");
    }

    @Test
    void garbageBytes() {
        byte[] g = new byte[5000];
        new Random(1).nextBytes(g);
        expect(g, "garbage.ply", "not a PLY file");
        g[0] = 'p';
        g[1] = 'l';
        g[2] = 'y';
        g[3] = '\n';
        expect(g, "garbage2.ply", "PLY header line 2");
    }

    @Test
    void emptyFile() {
        expect(new byte[0], "empty.ply", "empty");
        expect(new byte[0], "empty.splat", "empty");
    }

    @Test
    void headerWithoutEndHeader() {
        String h = "ply\nformat binary_little_endian 1.0\nelement vertex 0\nproperty float x\n";
        expect(h.getBytes(StandardCharsets.US_ASCII), "noend.ply", "no end_header");
    }

    @Test
    void absurdHeaderLength() {
        StringBuilder h = new StringBuilder("ply\nformat binary_little_endian 1.0\n");
        while (h.length() < 70_000) {
            h.append("comment padding padding padding padding padding\n");
        }
        h.append("element vertex 0\nend_header\n");
        expect(h.toString().getBytes(StandardCharsets.US_ASCII), "long.ply",
                "no end_header within the first 65536 bytes");
    }

    @Test
    void headerProblems() {
        expect("ply\nformat binary_middle_endian 1.0\nend_header\n".getBytes(StandardCharsets.US_ASCII), "f.ply",
                "unknown encoding");
        expect("ply\nformat ascii 2.0\nend_header\n".getBytes(StandardCharsets.US_ASCII), "f.ply",
                "unsupported PLY version");
        expect("ply\nelement vertex 0\nend_header\n".getBytes(StandardCharsets.US_ASCII), "f.ply", "no format");
        expect("ply\nformat ascii 1.0\nproperty float x\nend_header\n".getBytes(StandardCharsets.US_ASCII),
                "f.ply", "property before any element");
        expect("ply\nformat ascii 1.0\nelement vertex 0\nproperty quad x\nend_header\n"
                .getBytes(StandardCharsets.US_ASCII), "f.ply", "unknown type 'quad'");
        expect("ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float x\nend_header\n"
                .getBytes(StandardCharsets.US_ASCII), "f.ply", "declared twice");
        expect("ply\nformat ascii 1.0\nelement vertex 0\nelement vertex 0\nend_header\n"
                .getBytes(StandardCharsets.US_ASCII), "f.ply", "declared twice");
        expect("ply\nformat ascii 1.0\nelement vertex 0\nproperty list float int x\nend_header\n"
                .getBytes(StandardCharsets.US_ASCII), "f.ply", "bad list count type");
        expect("ply\nformat ascii 1.0\nelement face 0\nend_header\n".getBytes(StandardCharsets.US_ASCII),
                "f.ply", "no 'vertex' element");
        expect("ply\nformat ascii 1.0\nbogus line\nend_header\n".getBytes(StandardCharsets.US_ASCII), "f.ply",
                "unknown keyword 'bogus'");
        expect("ply\nformat ascii 1.0\ncomment a\u0000b\nend_header\n".getBytes(StandardCharsets.ISO_8859_1),
                "f.ply", "control byte 0x0");
    }

    @Test
    void splatLengthNotMultipleOf32() {
        byte[] d = new byte[32 * 3 + 5];
        expect(d, "bad.splat", "101 bytes is not a multiple of 32");
    }

    @Test
    void compressedPlyWithWrongChunkCountOrMissingBytes() throws IOException {
        byte[] pc = Files.readAllBytes(TestData.splat("playcanvas_compressed_sh3_64.ply"));
        String text = new String(pc, StandardCharsets.ISO_8859_1);
        expect(text.replace("element chunk 1", "element chunk 2").getBytes(StandardCharsets.ISO_8859_1), "pc.ply",
                "2 chunks for 64 vertices; expected 1");
        expect(text.replace("element sh 64", "element sh 65").getBytes(StandardCharsets.ISO_8859_1), "pc.ply",
                "64 vertices but 65 'sh' rows");
        expect(Arrays.copyOf(pc, pc.length - 1), "pc.ply", "'sh' declares 64 rows (2880 bytes) but only 2879");
        expect(Arrays.copyOf(pc, 1776 + 72 + 100), "pc.ply", "declares 64 vertices (1024 bytes) but only 100");
    }

    @Test
    void unknownExtension() {
        expect(train, "train.xyz", "unknown splat file extension '.xyz'");
    }
}
