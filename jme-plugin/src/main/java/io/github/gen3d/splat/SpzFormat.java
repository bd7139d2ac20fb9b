package io.github.gen3d.splat;

import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Niantic SPZ ({@code .spz}) reader and writer, versions 2, 3 (gzip) and 4 (NGSP header + zstd streams).
 *
 * <h2>Layout</h2>
 * <ul>
 * <li>v2/v3: the whole file is one gzip stream; inside, a 16-byte header (magic {@code "NGSP"} =
 * {@code 0x5053474e} LE, version u32, numPoints u32, shDegree u8, fractionalBits u8, flags u8, reserved u8)
 * and then the attribute arrays.</li>
 * <li>v4: a raw 32-byte header (as above up to flags, then numStreams u8, tocByteOffset u32, 12 reserved
 * bytes), optional extension records up to {@code tocByteOffset}, a table of contents of
 * {@code numStreams × (compressedSize u64, uncompressedSize u64)}, then one zstd frame per non-empty
 * attribute array, back to back, ending exactly at the end of the file.</li>
 * </ul>
 * Attribute arrays, in this order, for {@code n} points: positions (3 × 24-bit signed LE fixed point with
 * {@code fractionalBits}), alphas (u8, linear opacity · 255), colours (u8 × 3, {@code f_dc = (u8/255 − 0.5)/0.15}),
 * scales (u8 × 3, {@code ln s = u8/16 − 10}), rotations (v2: u8 × 3 = x,y,z as {@code b/127.5 − 1} with
 * {@code w ≥ 0} derived; v3+: "smallest three" in a LE u32: bits 30–31 the index (in x,y,z,w order) of the
 * largest component, then three 10-bit groups (sign bit + 9-bit magnitude scaled by 1/√2) for the other three
 * components in x,y,z,w order, the first in bits 20–29), SH for bands 1..degree (u8,
 * {@code (u8 − 128)/128}, coefficient-major with RGB interleaved, as in {@link GaussianCloud}).
 *
 * <h2>Frame</h2>
 * SPZ stores data in {@link SplatFrame#RUB}; this class reads and writes that frame as is, the caller
 * ({@code SplatIO}) converts.
 *
 * <h2>Safety</h2>
 * Every count from a header is checked before anything is allocated: at most {@link #MAX_POINTS} points, Java
 * array limits, and the decompressed size a file of this length can possibly hold (deflate cannot expand more
 * than {@link #GZIP_MAX_RATIO}:1, zstd not more than {@link #ZSTD_MAX_RATIO}:1), and, against decompression
 * bombs, no more than {@link #MAX_PLAUSIBLE_RATIO} payload bytes per file byte, a ratio real splat data never
 * comes near: a bomb fails with an {@link IOException} naming the file before anything is inflated or
 * allocated. Decompression writes into a
 * buffer of exactly the size the header implies and fails if the data holds more or less. Extension records
 * (flag 0x2) are skipped with a warning: up to {@link #MAX_EXTENSION_BYTES} after the arrays in v2/v3 (where
 * the current reference writer puts them), the zone before the TOC in v4.
 *
 * <p>Instances are immutable and may be shared between threads; each call uses its own buffers.
 */
final class SpzFormat implements SplatFormat {
    private static final Logger LOGGER = Logger.getLogger(SpzFormat.class.getName());

    /** "NGSP" read as a little-endian u32. */
    static final int MAGIC = 0x5053474e;
    /** The version {@link #SpzFormat()} writes. */
    static final int DEFAULT_VERSION = 3;
    /** Fractional bits of the fixed-point positions the writer uses when the positions fit (±2048 units). */
    static final int DEFAULT_FRACTIONAL_BITS = 12;
    /** Largest fractional-bit count accepted (the 24-bit value then spans ±1). */
    static final int MAX_FRACTIONAL_BITS = 23;
    /** Hard cap on the point count of one file (2^26, about 67 million). */
    static final int MAX_POINTS = 1 << 26;
    /**
     * Largest possible deflate expansion: a 258-byte match costs at least one bit for the length and one
     * for the distance code, so no deflate stream inflates more than 258·8/2 = 1032 times its size.
     */
    static final long GZIP_MAX_RATIO = 1032;
    /**
     * Largest possible zstd expansion: every block needs a 3-byte header and at least one content byte (an RLE
     * block), and a block decodes to at most 128 KiB, so 4 bytes cannot give more than 131072 bytes.
     */
    static final long ZSTD_MAX_RATIO = 131072 / 4;
    /**
     * Largest expansion accepted for a whole file, payload bytes per file byte: real splat data is quantised noise
     * and compresses a few times at most (the SPZ files in the test data: 2.7:1; a cloud whose higher SH bands are
     * all zero: about 5:1), while a decompression bomb (gzip or zstd of zeros) claims hundreds to tens of
     * thousands. Checked against the header's point count before anything is allocated or inflated.
     */
    static final long MAX_PLAUSIBLE_RATIO = 256;
    /** Most trailing extension bytes accepted after the arrays of a v2/v3 payload with flag 0x2. */
    static final int MAX_EXTENSION_BYTES = 1 << 16;
    /** SPZ's own DC colour scale (not SH C0). */
    static final float COLOUR_SCALE = 0.15f;
    /** Header flag: trained with anti-aliasing (Mip-Splatting filter). */
    static final int FLAG_ANTIALIASED = 0x1;
    /** Header flag: extension records present. */
    static final int FLAG_EXTENSIONS = 0x2;

    private static final int LEGACY_HEADER_BYTES = 16;
    private static final int NGSP_HEADER_BYTES = 32;
    private static final int TOC_ENTRY_BYTES = 16;
    private static final int MAX_FIXED = (1 << 23) - 1;
    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final int MASK9 = (1 << 9) - 1;
    private static final String[] STREAM_NAMES = {"positions", "alphas", "colours", "scales", "rotations", "sh"};

    private final int writeVersion;
    private final int writeFractionalBits;
    private final boolean writeAntialiased;

    /** Creates a format that writes version {@value #DEFAULT_VERSION} (gzip) with 12 fractional bits. */
    SpzFormat() {
        this(DEFAULT_VERSION, DEFAULT_FRACTIONAL_BITS, false);
    }

    /**
     * Creates a format with writer options; reading accepts every supported version regardless.
     *
     * @param version version to write: 2 (gzip, 3-byte rotations), 3 (gzip, smallest three) or 4 (zstd)
     * @param fractionalBits preferred fractional bits of positions, 0..23; the writer uses fewer when the
     *     largest coordinate would not fit 24 bits
     * @param antialiased whether to set the anti-aliased flag
     */
    SpzFormat(int version, int fractionalBits, boolean antialiased) {
        if (version < 2 || version > 4) {
            throw new IllegalArgumentException("SPZ write version must be 2, 3 or 4, got " + version);
        }
        if (fractionalBits < 0 || fractionalBits > MAX_FRACTIONAL_BITS) {
            throw new IllegalArgumentException("fractional bits must be 0.." + MAX_FRACTIONAL_BITS + ", got "
                    + fractionalBits);
        }
        this.writeVersion = version;
        this.writeFractionalBits = fractionalBits;
        this.writeAntialiased = antialiased;
    }

    @Override
    public String extension() {
        return "spz";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RUB;
    }

    /**
     * The header fields of an SPZ file.
     *
     * @param version 2..4
     * @param numPoints point count (unsigned 32-bit value)
     * @param shDegree 0..3
     * @param fractionalBits 0..23
     * @param flags flag bits ({@link #FLAG_ANTIALIASED}, {@link #FLAG_EXTENSIONS}, others kept as read)
     */
    record Header(int version, long numPoints, int shDegree, int fractionalBits, int flags) {
        /** @return true if the anti-aliased flag is set */
        boolean antialiased() {
            return (flags & FLAG_ANTIALIASED) != 0;
        }

        /** @return bytes per point of all attribute arrays together */
        long bytesPerPoint() {
            return SpzFormat.bytesPerPoint(version, shDegree);
        }
    }

    // ------------------------------------------------------------------------------------------- reading

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(name, "name");
        try {
            if (isNgsp(data)) {
                return readNgsp(data, name);
            }
            if (isGzip(data)) {
                return readGzip(data, name);
            }
            throw fail(name, "not an SPZ file: it starts with neither the gzip magic 1f 8b nor \"NGSP\" ("
                    + data.length + " bytes)");
        } catch (RuntimeException e) {
            // Safety net: the decoders below check every bound first, so this means a bug or a library
            // failure; it must still reach the caller as an IOException naming the file.
            throw new IOException(name + ": malformed SPZ data (" + e + ")", e);
        }
    }

    /**
     * Reads only the header of an SPZ file (inflating no more than 16 bytes for v2/v3). Checks the magic,
     * version, SH degree and fractional bits, not the point count.
     *
     * @param data the file's bytes (not null, unaffected)
     * @param name file name for messages (not null)
     * @return the header
     * @throws IOException if the bytes do not start with a valid SPZ header
     */
    static Header readHeader(byte[] data, String name) throws IOException {
        Objects.requireNonNull(data, "data");
        try {
            if (isNgsp(data)) {
                return parseNgspHeader(data, name);
            }
            if (isGzip(data)) {
                try (GZIPInputStream in = openGzip(data, name)) {
                    byte[] head = new byte[LEGACY_HEADER_BYTES];
                    int got = readUpTo(in, head, 0, head.length, name);
                    return parseLegacyHeader(head, got, name);
                }
            }
            throw fail(name, "not an SPZ file: it starts with neither the gzip magic 1f 8b nor \"NGSP\"");
        } catch (RuntimeException e) {
            throw new IOException(name + ": malformed SPZ header (" + e + ")", e);
        }
    }

    private static boolean isNgsp(byte[] d) {
        return d.length >= 4 && (d[0] & 0xff) == 'N' && (d[1] & 0xff) == 'G' && (d[2] & 0xff) == 'S'
                && (d[3] & 0xff) == 'P';
    }

    private static boolean isGzip(byte[] d) {
        return d.length >= 2 && (d[0] & 0xff) == 0x1f && (d[1] & 0xff) == 0x8b;
    }

    private static GaussianCloud readGzip(byte[] data, String name) throws IOException {
        try (GZIPInputStream in = openGzip(data, name)) {
            byte[] head = new byte[LEGACY_HEADER_BYTES];
            int got = readUpTo(in, head, 0, head.length, name);
            Header h = parseLegacyHeader(head, got, name);
            long arrays = checkCounts(h, name, data.length, GZIP_MAX_RATIO, "gzip");
            byte[] payload = new byte[(int) arrays];
            int n = readUpTo(in, payload, 0, payload.length, name);
            if (n < payload.length) {
                throw fail(name, "truncated: the header declares " + h.numPoints() + " points (" + arrays
                        + " bytes of arrays after the 16-byte header) but the gzip data holds only " + n);
            }
            if ((h.flags() & FLAG_EXTENSIONS) != 0) {
                byte[] ext = new byte[MAX_EXTENSION_BYTES + 1];
                int e = readUpTo(in, ext, 0, ext.length, name);
                if (e > MAX_EXTENSION_BYTES) {
                    throw fail(name, "more than " + MAX_EXTENSION_BYTES + " bytes of extension records after "
                            + h.numPoints() + " points");
                }
                if (e > 0) {
                    LOGGER.log(Level.WARNING, "{0}: skipped {1} bytes of SPZ extension records",
                            new Object[] {name, e});
                }
            } else if (readUpTo(in, new byte[1], 0, 1, name) != 0) {
                throw fail(name, "the gzip data holds more than the " + arrays + " bytes of arrays that "
                        + h.numPoints() + " points need (header count wrong or trailing data)");
            }
            return decode(h, payload, name);
        }
    }

    private static GZIPInputStream openGzip(byte[] data, String name) throws IOException {
        try {
            return new GZIPInputStream(new ByteArrayInputStream(data), 1 << 16);
        } catch (IOException e) {
            throw fail(name, "corrupt gzip header: " + e.getMessage(), e);
        }
    }

    /** Reads until {@code len} bytes or the end; gzip errors (corrupt, truncated, CRC) become named. */
    private static int readUpTo(InputStream in, byte[] b, int off, int len, String name) throws IOException {
        try {
            return in.readNBytes(b, off, len);
        } catch (IOException e) {
            throw fail(name, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
    }

    private static Header parseLegacyHeader(byte[] head, int got, String name) throws IOException {
        if (got < LEGACY_HEADER_BYTES) {
            throw fail(name, "truncated: the gzip data holds " + got + " bytes, the SPZ header needs "
                    + LEGACY_HEADER_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw fail(name, String.format("bad magic 0x%08x inside the gzip data, expected 0x%08x (\"NGSP\")",
                    magic, MAGIC));
        }
        long version = Integer.toUnsignedLong(b.getInt(4));
        if (version == 1) {
            throw fail(name, "SPZ version 1 (float16 positions, never released) is not supported");
        }
        if (version == 4) {
            throw fail(name, "SPZ version 4 inside gzip data is not valid (version 4 files are NGSP + zstd)");
        }
        if (version != 2 && version != 3) {
            throw fail(name, "unsupported SPZ version " + version + " (supported: 2, 3 and 4)");
        }
        Header h = new Header((int) version, Integer.toUnsignedLong(b.getInt(8)), head[12] & 0xff,
                head[13] & 0xff, head[14] & 0xff);
        checkFields(h, name);
        return h;
    }

    private static Header parseNgspHeader(byte[] data, String name) throws IOException {
        if (data.length < NGSP_HEADER_BYTES) {
            throw fail(name, "truncated: the NGSP header needs " + NGSP_HEADER_BYTES + " bytes, the file has "
                    + data.length);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long version = Integer.toUnsignedLong(b.getInt(4));
        if (version >= 1 && version <= 3) {
            throw fail(name, "raw (not gzip-compressed) NGSP data with version " + version
                    + ": SPZ versions 1 to 3 must be gzip-compressed");
        }
        if (version != 4) {
            throw fail(name, "unsupported SPZ version " + version + " (supported: 2, 3 and 4)");
        }
        Header h = new Header(4, Integer.toUnsignedLong(b.getInt(8)), data[12] & 0xff, data[13] & 0xff,
                data[14] & 0xff);
        checkFields(h, name);
        return h;
    }

    private static void checkFields(Header h, String name) throws IOException {
        if (h.shDegree() > 3) {
            throw fail(name, "unsupported SH degree " + h.shDegree() + " (supported: 0 to 3)");
        }
        if (h.fractionalBits() > MAX_FRACTIONAL_BITS) {
            throw fail(name, "fractional bits " + h.fractionalBits() + " out of range 0.." + MAX_FRACTIONAL_BITS);
        }
    }

    /**
     * Checks the point count against the hard cap, Java array limits and what {@code inputLength} compressed
     * bytes can hold; all before any allocation.
     *
     * @return bytes of all attribute arrays together (fits an int)
     */
    private static long checkCounts(Header h, String name, long inputLength, long maxRatio, String codec)
            throws IOException {
        long n = h.numPoints();
        if (n > MAX_POINTS) {
            throw fail(name, "the header claims " + n + " points, more than the supported maximum "
                    + MAX_POINTS);
        }
        long arrays = n * h.bytesPerPoint();
        long shFloats = n * SphericalHarmonics.coefficientCount(h.shDegree()) * 3;
        if (arrays > Integer.MAX_VALUE - 8 || shFloats > Integer.MAX_VALUE - 8) {
            throw fail(name, "the header claims " + n + " points at SH degree " + h.shDegree()
                    + ", too many for one cloud");
        }
        if (arrays > inputLength * maxRatio) {
            throw fail(name, "the header claims " + n + " points (" + arrays + " bytes of arrays), more than "
                    + inputLength + " bytes of " + codec + " data can hold (at most " + maxRatio
                    + ":1): header corrupt or file truncated");
        }
        if (arrays > inputLength * MAX_PLAUSIBLE_RATIO) {
            throw fail(name, "the header claims " + n + " points (" + arrays + " bytes of arrays) from "
                    + inputLength + " bytes of " + codec + " data, an expansion of more than " + MAX_PLAUSIBLE_RATIO
                    + ":1 that no real splat file reaches (a decompression bomb?); refused before inflating");
        }
        return arrays;
    }

    private static GaussianCloud readNgsp(byte[] data, String name) throws IOException {
        Header h = parseNgspHeader(data, name);
        long arrays = checkCounts(h, name, data.length, ZSTD_MAX_RATIO, "zstd");
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int numStreams = data[15] & 0xff;
        long toc = Integer.toUnsignedLong(b.getInt(16));
        if (toc < NGSP_HEADER_BYTES) {
            throw fail(name, "table of contents offset " + toc + " lies inside the 32-byte header");
        }
        long tocEnd = toc + (long) numStreams * TOC_ENTRY_BYTES;
        if (tocEnd > data.length) {
            throw fail(name, "truncated: the table of contents (" + numStreams + " entries at offset " + toc
                    + ") ends at " + tocEnd + ", past the end of the file (" + data.length + " bytes)");
        }
        if (toc > NGSP_HEADER_BYTES) {
            LOGGER.log(Level.WARNING, "{0}: skipped {1} bytes of SPZ extension records",
                    new Object[] {name, toc - NGSP_HEADER_BYTES});
        }
        long[] sizes = streamSizes(h);
        int[] which = new int[sizes.length];
        int expected = 0;
        for (int s = 0; s < sizes.length; s++) {
            if (sizes[s] > 0) {
                which[expected++] = s;
            }
        }
        if (numStreams != expected) {
            throw fail(name, "the header lists " + numStreams + " streams, but " + h.numPoints()
                    + " points at SH degree " + h.shDegree() + " need " + expected);
        }
        long[] offsets = new long[numStreams];
        long[] compressed = new long[numStreams];
        long off = tocEnd;
        for (int i = 0; i < numStreams; i++) {
            String stream = "stream " + i + " (" + STREAM_NAMES[which[i]] + ")";
            long cs = b.getLong((int) (toc + (long) i * TOC_ENTRY_BYTES));
            long us = b.getLong((int) (toc + (long) i * TOC_ENTRY_BYTES + 8));
            if (cs < 0 || cs > data.length - off) {
                throw fail(name, "truncated: " + stream + " claims " + Long.toUnsignedString(cs)
                        + " compressed bytes at offset " + off + ", past the end of the file (" + data.length
                        + " bytes)");
            }
            if (us != sizes[which[i]]) {
                throw fail(name, stream + " has uncompressed size " + Long.toUnsignedString(us) + ", but "
                        + h.numPoints() + " points need " + sizes[which[i]]);
            }
            if (us > cs * ZSTD_MAX_RATIO) {
                throw fail(name, stream + ": " + cs + " compressed bytes cannot hold " + us
                        + " bytes (zstd expands at most " + ZSTD_MAX_RATIO + ":1)");
            }
            offsets[i] = off;
            compressed[i] = cs;
            off += cs;
        }
        if (off != data.length) {
            throw fail(name, "the streams end at byte " + off + " but the file has " + data.length
                    + " bytes (trailing data or wrong table of contents)");
        }
        byte[] payload = new byte[(int) arrays];
        ZstdDecompressor zstd = new ZstdDecompressor();
        int dst = 0;
        for (int i = 0; i < numStreams; i++) {
            String stream = "stream " + i + " (" + STREAM_NAMES[which[i]] + ")";
            int us = (int) sizes[which[i]];
            int got;
            try {
                got = zstd.decompress(data, (int) offsets[i], (int) compressed[i], payload, dst, us);
            } catch (RuntimeException e) {
                // aircompressor reports malformed input with MalformedInputException and, for some inputs,
                // other unchecked exceptions
                throw fail(name, stream + ": corrupt zstd data (" + e.getMessage() + ")", e);
            }
            if (got != us) {
                throw fail(name, stream + " decompressed to " + got + " bytes, the table of contents says " + us);
            }
            dst += us;
        }
        return decode(h, payload, name);
    }

    /** Sizes of the six attribute arrays, in file order. */
    private static long[] streamSizes(Header h) {
        long n = h.numPoints();
        int shDim = SphericalHarmonics.coefficientCount(h.shDegree()) - 1;
        return new long[] {n * 9, n, n * 3, n * 3, n * (h.version() >= 3 ? 4 : 3), n * shDim * 3};
    }

    static long bytesPerPoint(int version, int shDegree) {
        int shDim = SphericalHarmonics.coefficientCount(shDegree) - 1;
        return 9 + 1 + 3 + 3 + (version >= 3 ? 4 : 3) + 3L * shDim;
    }

    /** Decodes the attribute arrays (sizes already checked) into a cloud in SPZ's own frame. */
    private static GaussianCloud decode(Header h, byte[] p, String name) {
        int n = (int) h.numPoints();
        int degree = h.shDegree();
        int k = SphericalHarmonics.coefficientCount(degree);
        GaussianCloud cloud = new GaussianCloud(n, degree);
        float[] pos = cloud.positions();
        float[] scl = cloud.scales();
        float[] rot = cloud.rotations();
        float[] opa = cloud.opacities();
        float[] sh = cloud.sh();
        int posOff = 0;
        int alphaOff = 9 * n;
        int colOff = 10 * n;
        int scaleOff = 13 * n;
        int rotOff = 16 * n;
        int rotBytes = h.version() >= 3 ? 4 : 3;
        int shOff = rotOff + rotBytes * n;
        int shDim = k - 1;
        float step = 1f / (1 << h.fractionalBits());
        float[] q = new float[4];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                int o = posOff + (i * 3 + j) * 3;
                int fixed = (p[o] & 0xff) | (p[o + 1] & 0xff) << 8 | p[o + 2] << 16; // byte 2 sign-extends
                pos[i * 3 + j] = fixed * step;
                scl[i * 3 + j] = (float) Math.exp((p[scaleOff + i * 3 + j] & 0xff) / 16.0 - 10.0);
                sh[i * k * 3 + j] = ((p[colOff + i * 3 + j] & 0xff) / 255f - 0.5f) / COLOUR_SCALE;
            }
            opa[i] = (p[alphaOff + i] & 0xff) / 255f;
            if (rotBytes == 4) {
                unpackSmallestThree(p, rotOff + i * 4, q);
            } else {
                unpackFirstThree(p, rotOff + i * 3, q);
            }
            // q is x,y,z,w; the cloud stores w,x,y,z, unit length
            double norm = Math.sqrt((double) q[0] * q[0] + (double) q[1] * q[1] + (double) q[2] * q[2]
                    + (double) q[3] * q[3]);
            rot[i * 4] = (float) (q[3] / norm);
            rot[i * 4 + 1] = (float) (q[0] / norm);
            rot[i * 4 + 2] = (float) (q[1] / norm);
            rot[i * 4 + 3] = (float) (q[2] / norm);
            int src = shOff + i * shDim * 3;
            int dstBase = i * k * 3 + 3;
            for (int j = 0; j < shDim * 3; j++) {
                sh[dstBase + j] = ((p[src + j] & 0xff) - 128) / 128f;
            }
        }
        LOGGER.log(Level.FINE, "{0}: read SPZ v{1}, {2} points, SH degree {3}, flags {4}",
                new Object[] {name, h.version(), n, degree, h.flags()});
        return cloud;
    }

    /** v2: x,y,z as {@code b/127.5 − 1}, w = sqrt(max(0, 1 − |xyz|²)); writes x,y,z,w into q. */
    static void unpackFirstThree(byte[] p, int o, float[] q) {
        float x = (p[o] & 0xff) / 127.5f - 1f;
        float y = (p[o + 1] & 0xff) / 127.5f - 1f;
        float z = (p[o + 2] & 0xff) / 127.5f - 1f;
        q[0] = x;
        q[1] = y;
        q[2] = z;
        q[3] = (float) Math.sqrt(Math.max(0.0, 1.0 - ((double) x * x + (double) y * y + (double) z * z)));
    }

    /**
     * v3+: smallest three. Bits 30–31 hold the index of the largest component (x,y,z,w order); the other
     * three follow in x,y,z,w order from bit 29 down, 10 bits each: sign bit, then a 9-bit magnitude of
     * {@code |c|/√½·511}. The largest is {@code sqrt(max(0, 1 − Σ others²))}. Writes x,y,z,w into q.
     */
    static void unpackSmallestThree(byte[] p, int o, float[] q) {
        int comp = (p[o] & 0xff) | (p[o + 1] & 0xff) << 8 | (p[o + 2] & 0xff) << 16 | (p[o + 3] & 0xff) << 24;
        int largest = comp >>> 30;
        double sum = 0;
        for (int c = 3; c >= 0; c--) {
            if (c == largest) {
                continue;
            }
            int mag = comp & MASK9;
            boolean negative = (comp >>> 9 & 1) != 0;
            comp >>>= 10;
            double v = SQRT1_2 * mag / MASK9;
            q[c] = (float) (negative ? -v : v);
            sum += (double) q[c] * q[c];
        }
        q[largest] = (float) Math.sqrt(Math.max(0.0, 1.0 - sum));
    }

    // ------------------------------------------------------------------------------------------- writing

    /**
     * Writes the cloud (already in SPZ's RUB frame) as SPZ of this instance's version.
     *
     * <p>Values are quantised as the format dictates and clamped into its ranges: opacity to [0, 1], DC
     * colour to ±3.33, log scale to [−10, 5.94] (scales ≤ 0 become the smallest), SH to [−1, 127/128].
     * Positions use the preferred fractional bits, or fewer (logged) when the largest coordinate would not
     * fit 24 bits. A zero quaternion is written as the identity.
     *
     * @throws IllegalArgumentException if the cloud holds a non-finite value (see
     *     {@link GaussianCloud#sanitize()}), a coordinate beyond ±8,388,607, or more than {@link #MAX_POINTS}
     *     splats
     */
    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(out, "out");
        int fb = fractionalBitsFor(cloud, writeFractionalBits);
        byte[] payload = encode(cloud, writeVersion, fb);
        int flags = writeAntialiased ? FLAG_ANTIALIASED : 0;
        if (writeVersion == 4) {
            writeNgsp(cloud, payload, fb, flags, out);
        } else {
            writeGzip(cloud, payload, fb, flags, out);
        }
    }

    private void writeGzip(GaussianCloud cloud, byte[] payload, int fb, int flags, OutputStream out)
            throws IOException {
        ByteBuffer head = ByteBuffer.allocate(LEGACY_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(MAGIC).putInt(writeVersion).putInt(cloud.size());
        head.put((byte) cloud.shDegree()).put((byte) fb).put((byte) flags).put((byte) 0);
        // keep the caller's stream open: closing the gzip stream (to free its Deflater) only flushes `out`
        OutputStream shield = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        try (GZIPOutputStream gz = new GZIPOutputStream(shield, 1 << 16)) {
            gz.write(head.array());
            gz.write(payload);
        }
    }

    private static void writeNgsp(GaussianCloud cloud, byte[] payload, int fb, int flags, OutputStream out)
            throws IOException {
        Header h = new Header(4, cloud.size(), cloud.shDegree(), fb, flags);
        long[] sizes = streamSizes(h);
        ZstdCompressor zstd = new ZstdCompressor();
        byte[][] chunks = new byte[sizes.length][];
        long[] usizes = new long[sizes.length];
        int count = 0;
        int src = 0;
        for (long size : sizes) {
            if (size == 0) {
                continue;
            }
            int len = (int) size;
            byte[] buf = new byte[zstd.maxCompressedLength(len)];
            int c = zstd.compress(payload, src, len, buf, 0, buf.length);
            chunks[count] = Arrays.copyOf(buf, c);
            usizes[count] = len;
            count++;
            src += len;
        }
        ByteBuffer head = ByteBuffer.allocate(NGSP_HEADER_BYTES + count * TOC_ENTRY_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(MAGIC).putInt(4).putInt(cloud.size());
        head.put((byte) cloud.shDegree()).put((byte) fb).put((byte) flags).put((byte) count);
        head.putInt(NGSP_HEADER_BYTES).put(new byte[12]);
        for (int i = 0; i < count; i++) {
            head.putLong(chunks[i].length).putLong(usizes[i]);
        }
        out.write(head.array());
        for (int i = 0; i < count; i++) {
            out.write(chunks[i]);
        }
        out.flush();
    }

    /**
     * Picks the fractional bits for positions: {@code preferred}, or the largest smaller count at which every
     * coordinate rounds into the signed 24-bit range. Also rejects non-finite values anywhere in the cloud.
     */
    static int fractionalBitsFor(GaussianCloud cloud, int preferred) {
        if (cloud.size() > MAX_POINTS) {
            throw new IllegalArgumentException("SPZ holds at most " + MAX_POINTS + " splats, got " + cloud.size());
        }
        requireFinite(cloud.positions(), 3, "position");
        requireFinite(cloud.scales(), 3, "scale");
        requireFinite(cloud.rotations(), 4, "rotation");
        requireFinite(cloud.opacities(), 1, "opacity");
        requireFinite(cloud.sh(), cloud.shCoefficients() * 3, "SH coefficient");
        double max = 0;
        for (float v : cloud.positions()) {
            max = Math.max(max, Math.abs(v));
        }
        int fb = preferred;
        while (fb >= 0 && Math.round(max * (1L << fb)) > MAX_FIXED) {
            fb--;
        }
        if (fb < 0) {
            throw new IllegalArgumentException("a coordinate of magnitude " + max
                    + " exceeds SPZ's 24-bit fixed-point range (±" + MAX_FIXED + ")");
        }
        if (fb < preferred) {
            LOGGER.log(Level.INFO, "SPZ: positions up to {0} need {1} fractional bits instead of {2} "
                    + "(resolution {3})", new Object[] {max, fb, preferred, 1.0 / (1L << fb)});
        }
        return fb;
    }

    private static void requireFinite(float[] a, int stride, String what) {
        for (int j = 0; j < a.length; j++) {
            if (!Float.isFinite(a[j])) {
                throw new IllegalArgumentException("splat " + (j / stride) + " has a non-finite " + what + " ("
                        + a[j] + "); call GaussianCloud.sanitize() before writing SPZ");
            }
        }
    }

    /** Quantises all attribute arrays, in file order (no header). */
    static byte[] encode(GaussianCloud cloud, int version, int fractionalBits) {
        int n = cloud.size();
        int k = cloud.shCoefficients();
        int shDim = k - 1;
        long total = n * bytesPerPoint(version, cloud.shDegree());
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " splats at SH degree " + cloud.shDegree()
                    + " exceed one SPZ payload");
        }
        byte[] p = new byte[(int) total];
        float[] pos = cloud.positions();
        float[] scl = cloud.scales();
        float[] rot = cloud.rotations();
        float[] opa = cloud.opacities();
        float[] sh = cloud.sh();
        int alphaOff = 9 * n;
        int colOff = 10 * n;
        int scaleOff = 13 * n;
        int rotOff = 16 * n;
        int rotBytes = version >= 3 ? 4 : 3;
        int shOff = rotOff + rotBytes * n;
        double unit = 1L << fractionalBits;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                int fixed = (int) Math.round(pos[i * 3 + j] * unit);
                int o = (i * 3 + j) * 3;
                p[o] = (byte) fixed;
                p[o + 1] = (byte) (fixed >> 8);
                p[o + 2] = (byte) (fixed >> 16);
                float s = scl[i * 3 + j];
                p[scaleOff + i * 3 + j] = (byte) (s > 0 ? u8((Math.log(s) + 10.0) * 16.0) : 0);
                p[colOff + i * 3 + j] = (byte) u8(sh[i * k * 3 + j] * (COLOUR_SCALE * 255.0) + 127.5);
            }
            p[alphaOff + i] = (byte) u8(opa[i] * 255.0);
            // cloud: w,x,y,z -> x,y,z,w
            double w = rot[i * 4], x = rot[i * 4 + 1], y = rot[i * 4 + 2], z = rot[i * 4 + 3];
            double norm = Math.sqrt(w * w + x * x + y * y + z * z);
            double[] q = norm > 0 ? new double[] {x / norm, y / norm, z / norm, w / norm}
                    : new double[] {0, 0, 0, 1};
            if (rotBytes == 4) {
                packSmallestThree(q, p, rotOff + i * 4);
            } else {
                packFirstThree(q, p, rotOff + i * 3);
            }
            int src = i * k * 3 + 3;
            int dst = shOff + i * shDim * 3;
            for (int j = 0; j < shDim * 3; j++) {
                p[dst + j] = (byte) u8(sh[src + j] * 128.0 + 128.0);
            }
        }
        return p;
    }

    /** v2 rotation: unit quaternion x,y,z,w made w ≥ 0, then x,y,z as {@code round(c·127.5 + 127.5)}. */
    static void packFirstThree(double[] q, byte[] p, int o) {
        double sign = q[3] < 0 ? -1 : 1;
        for (int c = 0; c < 3; c++) {
            p[o + c] = (byte) u8(sign * q[c] * 127.5 + 127.5);
        }
    }

    /** v3+ rotation: the layout described at {@link #unpackSmallestThree}. */
    static void packSmallestThree(double[] q, byte[] p, int o) {
        int largest = 0;
        for (int c = 1; c < 4; c++) {
            if (Math.abs(q[c]) > Math.abs(q[largest])) {
                largest = c;
            }
        }
        boolean flip = q[largest] < 0; // q and −q are the same rotation: make the largest positive
        int comp = largest;
        for (int c = 0; c < 4; c++) {
            if (c == largest) {
                continue;
            }
            double v = flip ? -q[c] : q[c];
            int mag = (int) Math.min(MASK9, Math.round(Math.abs(v) / SQRT1_2 * MASK9));
            // a zero magnitude gets no sign bit, so that decoding and encoding again reproduces the bytes
            comp = comp << 10 | (v < 0 && mag > 0 ? 1 << 9 : 0) | mag;
        }
        p[o] = (byte) comp;
        p[o + 1] = (byte) (comp >>> 8);
        p[o + 2] = (byte) (comp >>> 16);
        p[o + 3] = (byte) (comp >>> 24);
    }

    /** Rounds to the nearest integer and clamps into 0..255 (NaN gives 0). */
    static int u8(double x) {
        if (!(x > 0)) {
            return 0;
        }
        if (x >= 255) {
            return 255;
        }
        return (int) Math.round(x);
    }

    private static IOException fail(String name, String problem) {
        return new IOException(name + ": " + problem);
    }

    private static IOException fail(String name, String problem, Throwable cause) {
        return new IOException(name + ": " + problem, cause);
    }
}
