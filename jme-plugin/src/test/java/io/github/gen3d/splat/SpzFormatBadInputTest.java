package io.github.gen3d.splat;

import static io.github.gen3d.splat.SpzFormatTest.bytes;
import static io.github.gen3d.splat.SpzFormatTest.gunzip;
import static io.github.gen3d.splat.SpzFormatTest.gzip;
import static io.github.gen3d.splat.SpzFormatTest.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed SPZ input: every case is an IOException that names the file and the problem. */
class SpzFormatBadInputTest {
    private final SpzFormat spz = new SpzFormat();

    /** Asserts an IOException whose message starts with the name and contains every fragment. */
    private IOException fails(byte[] data, String name, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> spz.read(data, name));
        String m = e.getMessage();
        assertTrue(m.startsWith(name + ": "), m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' missing in: " + m);
        }
        return e;
    }

    private static byte[] v3Payload() {
        return gunzip(bytes("spz_v3_train3pts.spz"));
    }

    private static byte[] withInt(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        le(c).putInt(offset, value);
        return c;
    }

    private static byte[] withByte(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        c[offset] = (byte) value;
        return c;
    }

    private static byte[] withLong(byte[] b, int offset, long value) {
        byte[] c = b.clone();
        le(c).putLong(offset, value);
        return c;
    }

    private static byte[] v4() {
        return bytes("spz_v4_minimal4.spz");
    }

    @Test
    void notSpzAtAll() {
        fails(new byte[0], "empty.spz", "not an SPZ file");
        fails(new byte[] {0x1f}, "one.spz", "not an SPZ file");
        fails("hello, splats".getBytes(StandardCharsets.US_ASCII), "text.spz", "not an SPZ file");
        byte[] garbage = new byte[200];
        new SplittableRandom(1).nextBytes(garbage);
        garbage[0] = 0;
        fails(garbage, "garbage.spz", "not an SPZ file");
        byte[] fakeGzip = garbage.clone();
        fakeGzip[0] = 0x1f;
        fakeGzip[1] = (byte) 0x8b;
        fails(fakeGzip, "fakegzip.spz", "gzip");
    }

    @Test
    void unknownVersions() {
        byte[] p = v3Payload();
        fails(gzip(withInt(p, 4, 0)), "v0.spz", "unsupported SPZ version 0");
        fails(gzip(withInt(p, 4, 1)), "v1.spz", "version 1", "not supported");
        fails(gzip(withInt(p, 4, 4)), "v4gz.spz", "version 4");
        fails(gzip(withInt(p, 4, 5)), "v5.spz", "unsupported SPZ version 5");
        fails(gzip(withInt(p, 4, -1)), "vmax.spz", "unsupported SPZ version 4294967295");
        fails(withInt(v4(), 4, 3), "raw3.spz", "must be gzip-compressed");
        fails(withInt(v4(), 4, 5), "raw5.spz", "unsupported SPZ version 5");
        fails(withInt(v4(), 4, 0), "raw0.spz", "unsupported SPZ version 0");
        assertThrows(IOException.class, () -> SpzFormat.readHeader(withInt(v4(), 4, 9), "h.spz"));
    }

    @Test
    void badMagicAndFields() {
        byte[] p = v3Payload();
        fails(gzip(withInt(p, 0, 0x12345678)), "magic.spz", "bad magic 0x12345678");
        fails(gzip(withByte(p, 12, 4)), "sh4.spz", "SH degree 4");
        fails(gzip(withByte(p, 13, 24)), "fb24.spz", "fractional bits 24");
        fails(withByte(v4(), 12, 200), "sh200.spz", "SH degree 200");
        fails(withByte(v4(), 13, 255), "fb255.spz", "fractional bits 255");
        fails(gzip(Arrays.copyOf(p, 15)), "short.spz", "truncated", "15 bytes");
        fails(Arrays.copyOf(v4(), 31), "shortv4.spz", "truncated", "32 bytes");
    }

    @Test
    void truncatedGzipAtEveryLength() {
        byte[] file = bytes("spz_v3_train3pts.spz");
        for (int len = 2; len < file.length; len++) {
            fails(Arrays.copyOf(file, len), "cut" + len + ".spz");
        }
        byte[] big = bytes("spz_v2_fourth_st.spz");
        fails(Arrays.copyOf(big, big.length / 2), "half.spz", "gzip");
    }

    @Test
    void truncatedV4AtEveryLength() {
        byte[] file = v4();
        for (int len = 4; len < file.length; len++) {
            fails(Arrays.copyOf(file, len), "cut" + len + ".spz");
        }
    }

    @Test
    void payloadLongerOrShorterThanTheHeaderSays() {
        byte[] p = v3Payload();
        fails(gzip(Arrays.copyOf(p, p.length + 5)), "long.spz", "more than");
        fails(gzip(Arrays.copyOf(p, p.length - 1)), "shortpayload.spz", "truncated", "3 points");
        fails(gzip(withInt(p, 8, 2)), "count2.spz", "more than");
        fails(gzip(withInt(p, 8, 4)), "count4.spz", "truncated", "4 points");
        byte[] gz = gzip(p);
        gz[gz.length - 6] ^= 0x40; // inside the CRC-32 of the gzip trailer
        fails(gz, "crc.spz", "gzip");
    }

    @Test
    void extensionRecordsAfterTheArraysAreSkippedWithinABound() throws IOException {
        byte[] p = withByte(v3Payload(), 14, SpzFormat.FLAG_EXTENSIONS);
        GaussianCloud plain = spz.read(bytes("spz_v3_train3pts.spz"), "plain.spz");
        GaussianCloud ext = spz.read(gzip(Arrays.copyOf(p, p.length + 20)), "ext.spz");
        assertEquals(plain, ext);
        fails(gzip(Arrays.copyOf(p, p.length + SpzFormat.MAX_EXTENSION_BYTES + 1)), "bigext.spz", "extension");
    }

    @Test
    void hugePointCountsFailFastBeforeAllocating() {
        byte[] head = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN).putInt(SpzFormat.MAGIC).putInt(3)
                .putInt(Integer.MAX_VALUE).put((byte) 3).put((byte) 12).array();
        byte[] gz = gzip(head);
        assertTrue(gz.length < 200);
        long t0 = System.nanoTime();
        fails(gz, "huge.spz", "2147483647 points");
        fails(gzip(withInt(head, 8, -1)), "huge2.spz", "4294967295 points");
        // at the cap but far more than 200 bytes of gzip can inflate to
        fails(gzip(withByte(withInt(head, 8, SpzFormat.MAX_POINTS), 12, 0)), "cap.spz", SpzFormat.MAX_POINTS + " points",
                "can hold");
        fails(gzip(withInt(head, 8, 100_000)), "ratio.spz", "100000 points", "can hold");

        byte[] v4 = Arrays.copyOf(v4(), 200);
        le(v4).putInt(8, Integer.MAX_VALUE);
        fails(v4, "huge4.spz", "2147483647 points");
        le(v4).putInt(8, 2_000_000);
        fails(v4, "ratio4.spz", "2000000 points", "can hold");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
    }

    @Test
    void v4TableOfContentsChecks() {
        byte[] f = v4();
        fails(withInt(f, 16, 16), "toc16.spz", "inside the 32-byte header");
        fails(withInt(f, 16, 210), "tocfar.spz", "table of contents", "past the end");
        fails(withInt(f, 16, -1), "tocneg.spz", "past the end");
        fails(withByte(f, 15, 6), "six.spz", "lists 6 streams", "need 5");
        fails(withByte(f, 15, 0), "zero.spz", "lists 0 streams");
        fails(withLong(f, 40, 37), "usize.spz", "stream 0 (positions)", "uncompressed size 37", "need 36");
        fails(withLong(f, 32, 5000), "csize.spz", "stream 0", "past the end");
        fails(withLong(f, 32, -1), "cneg.spz", "18446744073709551615");
        fails(withLong(f, 32, 36), "cshort.spz", "streams end at byte 219");
        fails(Arrays.copyOf(f, f.length + 1), "trail.spz", "trailing");
        fails(withInt(f, 8, 5), "count5.spz", "uncompressed size 36", "need 45");
        // zstd frames without a checksum cannot reveal flipped content bytes; flip structure instead
        byte[] badMagic = f.clone();
        badMagic[112] ^= (byte) 0xff; // the frame magic 28 b5 2f fd of stream 0
        fails(badMagic, "zstd.spz", "stream 0 (positions)", "corrupt zstd data");
        byte[] badBlock = f.clone();
        badBlock[112 + 37 + 6] |= 0x06; // stream 1's first block header: block type 3 is reserved
        fails(badBlock, "zstd1.spz", "stream 1 (alphas)", "corrupt zstd data");
    }

    @Test
    void v4StreamsThatCannotExpandThatFar() {
        // stream 0 claims 900,000 bytes from 1 compressed byte; the others are long enough that the file as a whole
        // stays under the plausible ratio, so the per-stream bound is what refuses it
        int n = 100_000;
        long[] sizes = {9L * n, n, 3L * n, 3L * n, 4L * n};
        long[] packed = {1, 2000, 2000, 2000, 2000};
        ByteBuffer b = ByteBuffer.allocate(32 + 5 * 16 + 8001).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SpzFormat.MAGIC).putInt(4).putInt(n).put((byte) 0).put((byte) 12).put((byte) 0).put((byte) 5);
        b.putInt(32).put(new byte[12]);
        for (int i = 0; i < sizes.length; i++) {
            b.putLong(packed[i]).putLong(sizes[i]);
        }
        fails(b.array(), "expand.spz", "stream 0 (positions)", "cannot hold 900000 bytes");
    }

    /** A v3 SPZ of n SH-degree-0 points whose arrays are all zeros, gzipped as a whole: ~1000:1. */
    static byte[] gzipBomb(int n) {
        return gzipBomb(n, 0, 3);
    }

    /**
     * An SPZ of n points of an SH degree whose arrays are all zeros, gzipped as a whole (~1000:1), streamed so that
     * the zeros are never held in memory; version 2 or 3 (4 inside gzip is itself invalid, and sized as 3).
     */
    static byte[] gzipBomb(int n, int degree, int version) {
        int perPoint = (version == 2 ? 9 + 1 + 3 + 3 + 3 : 9 + 1 + 3 + 3 + 4)
                + 3 * (SphericalHarmonics.coefficientCount(degree) - 1);
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bos, 1 << 16)) {
            ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(SpzFormat.MAGIC).putInt(version).putInt(n).put((byte) degree).put((byte) 12);
            gz.write(h.array());
            byte[] zeros = new byte[1 << 16];
            for (long left = (long) n * perPoint; left > 0; left -= zeros.length) {
                gz.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /** A v4 SPZ of n SH-degree-0 points whose five streams are zstd frames of zeros. */
    static byte[] zstdBomb(int n) {
        return zstdBomb(n, 0);
    }

    /** A v4 SPZ of n points of an SH degree whose streams (5, or 6 with SH) are zstd frames of zeros. */
    static byte[] zstdBomb(int n, int degree) {
        int shBytes = 3 * (SphericalHarmonics.coefficientCount(degree) - 1);
        long[] sizes = degree == 0 ? new long[] {9L * n, n, 3L * n, 3L * n, 4L * n}
                : new long[] {9L * n, n, 3L * n, 3L * n, 4L * n, (long) shBytes * n};
        io.airlift.compress.zstd.ZstdCompressor z = new io.airlift.compress.zstd.ZstdCompressor();
        byte[][] frames = new byte[sizes.length][];
        int total = 32 + sizes.length * 16;
        for (int i = 0; i < sizes.length; i++) {
            byte[] zeros = new byte[(int) sizes[i]];
            byte[] out = new byte[z.maxCompressedLength(zeros.length)];
            int len = z.compress(zeros, 0, zeros.length, out, 0, out.length);
            frames[i] = Arrays.copyOf(out, len);
            total += len;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SpzFormat.MAGIC).putInt(4).putInt(n).put((byte) degree).put((byte) 12).put((byte) 0)
                .put((byte) sizes.length);
        b.putInt(32).put(new byte[12]);
        for (int i = 0; i < sizes.length; i++) {
            b.putLong(frames[i].length).putLong(sizes[i]);
        }
        for (byte[] f : frames) {
            b.put(f);
        }
        return b.array();
    }

    @Test
    void decompressionBombsAreRefusedBeforeInflatingNamingTheFile() throws IOException {
        // regression: 40-120 KB bombs made the reader allocate ~6 GB and die with OutOfMemoryError. Both are real,
        // well-formed compressed data of real sizes (5 million zero points: 100 MB of arrays).
        byte[] gz = gzipBomb(5_000_000);
        byte[] zs = zstdBomb(5_000_000);
        assertTrue(gz.length < 200_000 && zs.length < 200_000, gz.length + " / " + zs.length);
        fails(gz, "bomb.spz", "5000000 points", "decompression bomb", "refused before inflating");
        fails(zs, "bomb4.spz", "5000000 points", "decompression bomb", "refused before inflating");
        // the same through SplatIO, from a file: the message names the path
        java.nio.file.Path file = io.github.gen3d.testing.TestData.out("spz-bombs").resolve("bomb.spz");
        java.nio.file.Files.write(file, zs);
        IOException e = assertThrows(IOException.class, () -> SplatIO.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("decompression bomb"),
                e.getMessage());
        // a legitimate file that compresses well (SH degree 3, higher bands all zero, a few distinct splats
        // repeated) stays readable
        GaussianCloud c = SplatTestSupport.randomCloud(5, 2000, 3);
        java.util.Arrays.fill(c.sh(), 0f);
        byte[] ok = SpzFormatTest.write(new SpzFormat(), c);
        assertEquals(2000, spz.read(ok, "ok.spz").size());
    }
}
