package io.github.gen3d.splat;

import io.github.gen3d.splat.PlyHeader.Element;
import io.github.gen3d.splat.PlyHeader.Encoding;
import io.github.gen3d.splat.PlyHeader.Property;
import io.github.gen3d.splat.PlyHeader.Type;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gaussian-splat PLY: the INRIA 3DGS layout ({@code x y z [nx ny nz] f_dc_0..2 [f_rest_*] opacity scale_0..2
 * rot_0..3}, any property types, ascii or binary of either byte order, extra elements and properties ignored,
 * bytes after the vertex data ignored) and the PlayCanvas/SuperSplat compressed PLY ({@code chunk}, {@code vertex}
 * with {@code packed_*}, optional {@code sh}). Native frame: {@link SplatFrame#RDF}.
 *
 * <p>Properties are found by name. {@code f_rest_*} must number 0, 9, 24 or 45 (SH degree 0..3); in the file they
 * are channel-major (all red coefficients, then green, then blue), converted here to {@link GaussianCloud}'s
 * interleaved layout. {@code opacity} is a logit (sigmoid applied), {@code scale_*} are natural logs (exp
 * applied), {@code rot_0..3} is an unnormalised w,x,y,z quaternion (normalised; a zero or non-finite one becomes
 * the identity and is counted in a log warning).
 *
 * <p>The writer emits binary little-endian INRIA layout with zero normals, applying the inverse transforms.
 */
final class PlyFormat implements SplatFormat {
    private static final Logger LOGGER = Logger.getLogger(PlyFormat.class.getName());
    /** Written logits are clamped to ±this so that opacity 0 and 1 stay finite in the file. */
    static final double MAX_LOGIT = 40.0;
    private static final String[] GAUSSIAN_REQUIRED = {"f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0",
        "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"};

    @Override
    public String extension() {
        return "ply";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RDF;
    }

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        PlyHeader h = PlyHeader.parse(data, name);
        Element vertex = h.element("vertex");
        if (vertex == null) {
            throw new IOException(name + ": PLY has no 'vertex' element, so it holds no splats");
        }
        if (h.element("chunk") != null && vertex.indexOf("packed_position") >= 0) {
            return readCompressed(h, data, name);
        }
        return readGaussian(h, vertex, data, name);
    }

    // ------------------------------------------------------------------ INRIA layout

    private GaussianCloud readGaussian(PlyHeader h, Element vertex, byte[] data, String name) throws IOException {
        int ix = vertex.indexOf("x"), iy = vertex.indexOf("y"), iz = vertex.indexOf("z");
        List<String> missing = new ArrayList<>();
        int[] req = new int[GAUSSIAN_REQUIRED.length];
        for (int j = 0; j < req.length; j++) {
            req[j] = vertex.indexOf(GAUSSIAN_REQUIRED[j]);
            if (req[j] < 0) {
                missing.add(GAUSSIAN_REQUIRED[j]);
            }
        }
        if (missing.size() == req.length) {
            if (ix >= 0 && iy >= 0 && iz >= 0) {
                throw new IOException(name + " is a mesh/point-cloud PLY, not a Gaussian splat PLY (missing f_dc_*,"
                        + " opacity, scale_*, rot_*)");
            }
            throw new IOException(name + ": PLY vertex element has none of the Gaussian splat properties (x, y, z,"
                    + " f_dc_*, opacity, scale_*, rot_*)");
        }
        for (String p : new String[] {"z", "y", "x"}) {
            if (vertex.indexOf(p) < 0) {
                missing.add(0, p);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(name + ": Gaussian splat PLY lacks the vertex properties " + missing);
        }
        // f_rest_0 .. f_rest_{n-1}
        int restCount = 0;
        for (Property p : vertex.properties) {
            if (p.name().startsWith("f_rest_")) {
                restCount++;
            }
        }
        int degree = switch (restCount) {
            case 0 -> 0;
            case 9 -> 1;
            case 24 -> 2;
            case 45 -> 3;
            default -> throw new IOException(name + ": PLY has " + restCount
                    + " f_rest_* properties; expected 0, 9, 24 or 45 (SH degree 0..3)");
        };
        int[] rest = new int[restCount];
        for (int j = 0; j < restCount; j++) {
            rest[j] = vertex.indexOf("f_rest_" + j);
            if (rest[j] < 0) {
                throw new IOException(name + ": PLY has " + restCount + " f_rest_* properties but no f_rest_" + j);
            }
        }
        for (Property p : vertex.properties) {
            if (p.isList()) {
                throw new IOException(name + ": PLY vertex property '" + PlyHeader.clip(p.name())
                        + "' is a list; Gaussian splat vertices have only scalars");
            }
        }
        long start = checkVertexFits(h, vertex, data, name);
        int n = (int) vertex.count;
        RowSource src = h.encoding == Encoding.ASCII ? asciiRows(h, vertex, data, name)
                : binaryRows(h, vertex, data, start);
        GaussianCloud cloud = newCloud(n, degree, name);
        double[] row = new double[vertex.properties.size()];
        float[] pos = cloud.positions(), scl = cloud.scales(), rot = cloud.rotations(), op = cloud.opacities(),
                sh = cloud.sh();
        int k = cloud.shCoefficients();
        int km1 = k - 1;
        int zeroRot = 0;
        for (int i = 0; i < n; i++) {
            src.next(row, i);
            pos[i * 3] = (float) row[ix];
            pos[i * 3 + 1] = (float) row[iy];
            pos[i * 3 + 2] = (float) row[iz];
            int base = i * k * 3;
            sh[base] = (float) row[req[0]];
            sh[base + 1] = (float) row[req[1]];
            sh[base + 2] = (float) row[req[2]];
            for (int c = 0; c < 3; c++) {
                for (int j = 1; j < k; j++) {
                    sh[base + j * 3 + c] = (float) row[rest[c * km1 + j - 1]];
                }
            }
            op[i] = (float) sigmoid(row[req[3]]);
            scl[i * 3] = (float) Math.exp(row[req[4]]);
            scl[i * 3 + 1] = (float) Math.exp(row[req[5]]);
            scl[i * 3 + 2] = (float) Math.exp(row[req[6]]);
            if (!setRotation(rot, i, row[req[7]], row[req[8]], row[req[9]], row[req[10]])) {
                zeroRot++;
            }
        }
        warnZeroRotations(name, zeroRot);
        return cloud;
    }

    /**
     * Checks that the vertex rows fit in the bytes after the header (and after earlier elements) before anything
     * is allocated.
     *
     * @return the start of the vertex rows (binary), or -1 (ascii)
     */
    private static long checkVertexFits(PlyHeader h, Element vertex, byte[] data, String name) throws IOException {
        if (h.encoding == Encoding.ASCII) {
            // every value takes at least one character and one separator (the last may lack it)
            long remaining = data.length - h.bodyOffset;
            long minBytes = PlyHeader.mulSat(PlyHeader.mulSat(vertex.count, vertex.properties.size()), 2) - 1;
            if (vertex.count > 0 && minBytes > remaining) {
                throw new IOException(name + ": declares " + vertex.count + " vertices (at least " + minBytes
                        + " bytes as ascii) but only " + remaining + " bytes follow the header");
            }
            return -1;
        }
        long start = h.startOf(data, vertex);
        long remaining = data.length - start;
        long size = PlyHeader.mulSat(vertex.count, vertex.stride());
        if (size > remaining) {
            throw new IOException(name + ": declares " + vertex.count + " vertices ("
                    + (size == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(size)) + " bytes) but only "
                    + remaining + " bytes follow the header");
        }
        if (vertex.count > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": declares " + vertex.count + " vertices, more than one cloud can hold");
        }
        return start;
    }

    private static GaussianCloud newCloud(int n, int degree, String name) throws IOException {
        try {
            return new GaussianCloud(n, degree);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** Normalises and stores a w,x,y,z quaternion; returns false (identity stored) if it is zero or non-finite. */
    static boolean setRotation(float[] rot, int i, double w, double x, double y, double z) {
        double nn = Math.sqrt(w * w + x * x + y * y + z * z);
        if (!(nn > 0) || !Double.isFinite(nn)) {
            // a huge but finite quaternion can overflow the squared norm; rescale before giving up
            double m = Math.max(Math.max(Math.abs(w), Math.abs(x)), Math.max(Math.abs(y), Math.abs(z)));
            if (m > 0 && Double.isFinite(m)) {
                w /= m;
                x /= m;
                y /= m;
                z /= m;
                nn = Math.sqrt(w * w + x * x + y * y + z * z);
            } else {
                rot[i * 4] = 1f;
                rot[i * 4 + 1] = 0f;
                rot[i * 4 + 2] = 0f;
                rot[i * 4 + 3] = 0f;
                return false;
            }
        }
        rot[i * 4] = (float) (w / nn);
        rot[i * 4 + 1] = (float) (x / nn);
        rot[i * 4 + 2] = (float) (y / nn);
        rot[i * 4 + 3] = (float) (z / nn);
        return true;
    }

    static void warnZeroRotations(String name, int count) {
        if (count > 0 && LOGGER.isLoggable(Level.WARNING)) {
            LOGGER.log(Level.WARNING, "{0}: {1} splat(s) had a zero or non-finite rotation; set to identity",
                    new Object[] {name, count});
        }
    }

    // ------------------------------------------------------------------ row sources

    /** Sequential rows of one element, all properties as doubles. */
    private interface RowSource {
        void next(double[] out, long row) throws IOException;
    }

    private static RowSource asciiRows(PlyHeader h, Element e, byte[] data, String name) throws IOException {
        PlyHeader.AsciiTokens tokens = new PlyHeader.AsciiTokens(data, h.bodyOffset, name);
        for (Element before : h.elements) {
            if (before == e) {
                break;
            }
            tokens.skip(before);
        }
        boolean[] isFloat = new boolean[e.properties.size()];
        for (int j = 0; j < isFloat.length; j++) {
            isFloat[j] = e.properties.get(j).type() == Type.FLOAT32;
        }
        return (out, row) -> {
            for (int j = 0; j < out.length; j++) {
                double v = tokens.number(e, row);
                // a value declared float is what a binary file would hold: round it the same way
                out[j] = isFloat[j] ? (float) v : v;
            }
        };
    }

    private static RowSource binaryRows(PlyHeader h, Element e, byte[] data, long start) {
        ByteBuffer b = ByteBuffer.wrap(data).order(h.encoding == Encoding.BINARY_LITTLE_ENDIAN
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        Type[] types = new Type[e.properties.size()];
        for (int j = 0; j < types.length; j++) {
            types[j] = e.properties.get(j).type();
        }
        int stride = e.stride();
        return (out, row) -> {
            int off = (int) (start + row * stride);
            for (int j = 0; j < types.length; j++) {
                out[j] = PlyHeader.readBinary(b, off, types[j]);
                off += types[j].size;
            }
        };
    }

    // ------------------------------------------------------------------ PlayCanvas compressed

    private static final String[] CHUNK_BOUNDS = {"min_x", "min_y", "min_z", "max_x", "max_y", "max_z",
        "min_scale_x", "min_scale_y", "min_scale_z", "max_scale_x", "max_scale_y", "max_scale_z"};
    private static final String[] CHUNK_COLOURS = {"min_r", "min_g", "min_b", "max_r", "max_g", "max_b"};
    private static final String[] PACKED = {"packed_position", "packed_rotation", "packed_scale", "packed_color"};
    /** Splats per chunk in the PlayCanvas compressed PLY. */
    static final int CHUNK_SIZE = 256;

    private GaussianCloud readCompressed(PlyHeader h, byte[] data, String name) throws IOException {
        if (h.encoding == Encoding.ASCII) {
            throw new IOException(name + ": compressed (PlayCanvas) PLY must be binary, not ascii");
        }
        Element chunk = h.element("chunk");
        Element vertex = h.element("vertex");
        Element shEl = h.element("sh");
        int[] bounds = columns(chunk, CHUNK_BOUNDS, name);
        boolean hasColour = chunk.indexOf("min_r") >= 0;
        int[] colours = hasColour ? columns(chunk, CHUNK_COLOURS, name) : null;
        int[] packed = columns(vertex, PACKED, name);
        int restCount = 0;
        int[] rest = new int[0];
        if (shEl != null) {
            restCount = shEl.properties.size();
            if (restCount != 9 && restCount != 24 && restCount != 45) {
                throw new IOException(name + ": compressed PLY 'sh' element has " + restCount
                        + " properties; expected 9, 24 or 45");
            }
            rest = new int[restCount];
            for (int j = 0; j < restCount; j++) {
                rest[j] = shEl.indexOf("f_rest_" + j);
                if (rest[j] < 0) {
                    throw new IOException(name + ": compressed PLY 'sh' element lacks f_rest_" + j);
                }
            }
            if (shEl.count != vertex.count) {
                throw new IOException(name + ": compressed PLY has " + vertex.count + " vertices but " + shEl.count
                        + " 'sh' rows");
            }
        }
        long wantChunks = (vertex.count + CHUNK_SIZE - 1) / CHUNK_SIZE;
        if (chunk.count != wantChunks) {
            throw new IOException(name + ": compressed PLY has " + chunk.count + " chunks for " + vertex.count
                    + " vertices; expected " + wantChunks + " (one per " + CHUNK_SIZE + ")");
        }
        for (Element e : new Element[] {chunk, vertex, shEl}) {
            if (e != null && e.hasList()) {
                throw new IOException(name + ": compressed PLY element '" + e.name + "' has a list property");
            }
        }
        // locate the three elements (whatever their order) and check that each fits
        long vStart = checkVertexFits(h, vertex, data, name);
        long cStart = startAndCheck(h, chunk, data, name);
        long sStart = shEl == null ? -1 : startAndCheck(h, shEl, data, name);
        int n = (int) vertex.count;
        int nChunks = (int) chunk.count;
        int degree = restCount == 0 ? 0 : restCount == 9 ? 1 : restCount == 24 ? 2 : 3;

        // chunk table (small: one row per 256 splats)
        RowSource chunkRows = binaryRows(h, chunk, data, cStart);
        double[] crow = new double[chunk.properties.size()];
        float[][] ch = new float[nChunks][18];
        for (int c = 0; c < nChunks; c++) {
            chunkRows.next(crow, c);
            for (int j = 0; j < 12; j++) {
                ch[c][j] = (float) crow[bounds[j]];
            }
            for (int j = 0; j < 6; j++) {
                ch[c][12 + j] = hasColour ? (float) crow[colours[j]] : (j < 3 ? 0f : 1f);
            }
        }
        GaussianCloud cloud = newCloud(n, degree, name);
        RowSource vRows = binaryRows(h, vertex, data, vStart);
        RowSource sRows = shEl == null ? null : binaryRows(h, shEl, data, sStart);
        double[] vrow = new double[vertex.properties.size()];
        double[] srow = shEl == null ? null : new double[shEl.properties.size()];
        float[] pos = cloud.positions(), scl = cloud.scales(), rot = cloud.rotations(), op = cloud.opacities(),
                sh = cloud.sh();
        int k = cloud.shCoefficients();
        int km1 = k - 1;
        int zeroRot = 0;
        double[] q = new double[4];
        for (int i = 0; i < n; i++) {
            float[] b = ch[i / CHUNK_SIZE];
            vRows.next(vrow, i);
            long pp = unsigned32(vrow[packed[0]]);
            long pr = unsigned32(vrow[packed[1]]);
            long ps = unsigned32(vrow[packed[2]]);
            long pc = unsigned32(vrow[packed[3]]);
            pos[i * 3] = lerp(b[0], b[3], unorm(pp >>> 21, 11));
            pos[i * 3 + 1] = lerp(b[1], b[4], unorm(pp >>> 11, 10));
            pos[i * 3 + 2] = lerp(b[2], b[5], unorm(pp, 11));
            scl[i * 3] = (float) Math.exp(lerp(b[6], b[9], unorm(ps >>> 21, 11)));
            scl[i * 3 + 1] = (float) Math.exp(lerp(b[7], b[10], unorm(ps >>> 11, 10)));
            scl[i * 3 + 2] = (float) Math.exp(lerp(b[8], b[11], unorm(ps, 11)));
            int base = i * k * 3;
            for (int c = 0; c < 3; c++) {
                float col = lerp(b[12 + c], b[15 + c], unorm(pc >>> (24 - 8 * c), 8));
                sh[base + c] = (col - 0.5f) / SphericalHarmonics.C0;
            }
            op[i] = (float) unorm(pc, 8);
            decodeSmallestThree(pr, q);
            if (!setRotation(rot, i, q[0], q[1], q[2], q[3])) {
                zeroRot++;
            }
            if (sRows != null) {
                sRows.next(srow, i);
                for (int c = 0; c < 3; c++) {
                    for (int j = 1; j < k; j++) {
                        sh[base + j * 3 + c] = shByte(srow[rest[c * km1 + j - 1]]);
                    }
                }
            }
        }
        warnZeroRotations(name, zeroRot);
        return cloud;
    }

    private static long startAndCheck(PlyHeader h, Element e, byte[] data, String name) throws IOException {
        long start = h.startOf(data, e);
        long size = PlyHeader.mulSat(e.count, e.stride());
        if (size > data.length - start) {
            throw new IOException(name + ": PLY element '" + e.name + "' declares " + e.count + " rows ("
                    + (size == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(size)) + " bytes) but only "
                    + (data.length - start) + " bytes follow");
        }
        return start;
    }

    private static int[] columns(Element e, String[] names, String file) throws IOException {
        int[] idx = new int[names.length];
        for (int j = 0; j < names.length; j++) {
            idx[j] = e.indexOf(names[j]);
            if (idx[j] < 0) {
                throw new IOException(file + ": compressed PLY element '" + e.name + "' lacks property " + names[j]);
            }
        }
        return idx;
    }

    private static long unsigned32(double v) {
        // values come from any declared type; keep the low 32 bits of the integer part
        if (!(v >= Long.MIN_VALUE && v <= Long.MAX_VALUE)) {
            return 0;
        }
        return ((long) v) & 0xFFFFFFFFL;
    }

    private static double unorm(long v, int bits) {
        long max = (1L << bits) - 1;
        return (double) (v & max) / max;
    }

    private static float lerp(float a, float b, double t) {
        return (float) (a * (1 - t) + b * t);
    }

    /** Decodes a 2-bit index + 3×10-bit quaternion into rot_0..3 order (w, x, y, z). */
    static void decodeSmallestThree(long v, double[] out) {
        double norm = Math.sqrt(2.0);
        double a = (unorm(v >>> 20, 10) - 0.5) * norm;
        double b = (unorm(v >>> 10, 10) - 0.5) * norm;
        double c = (unorm(v, 10) - 0.5) * norm;
        double m = Math.sqrt(Math.max(0.0, 1.0 - (a * a + b * b + c * c)));
        int largest = (int) ((v >>> 30) & 3);
        double[] abc = {a, b, c};
        for (int j = 0, s = 0; j < 4; j++) {
            out[j] = j == largest ? m : abc[s++];
        }
    }

    /** SuperSplat's 8-bit SH value: 0 and 255 map to the ends of [−4, 4], others to bin centres. */
    static float shByte(double raw) {
        int v = (int) unsigned32(raw) & 0xFF;
        double t = v == 0 ? 0.0 : v == 255 ? 1.0 : (v + 0.5) / 256.0;
        return (float) ((t - 0.5) * 8.0);
    }

    // ------------------------------------------------------------------ writer

    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        int n = cloud.size();
        int k = cloud.shCoefficients();
        int restCount = (k - 1) * 3;
        StringBuilder sb = new StringBuilder(256 + restCount * 24);
        sb.append("ply\nformat binary_little_endian 1.0\ncomment written by Gen3D for jMonkeyEngine\n");
        sb.append("element vertex ").append(n).append('\n');
        for (String p : new String[] {"x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"}) {
            sb.append("property float ").append(p).append('\n');
        }
        for (int j = 0; j < restCount; j++) {
            sb.append("property float f_rest_").append(j).append('\n');
        }
        for (String p : new String[] {"opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2",
            "rot_3"}) {
            sb.append("property float ").append(p).append('\n');
        }
        sb.append("end_header\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));

        int floatsPerRow = 9 + restCount + 8;
        int rowsPerBatch = Math.max(1, (1 << 16) / (floatsPerRow * 4));
        ByteBuffer buf = ByteBuffer.allocate(rowsPerBatch * floatsPerRow * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] pos = cloud.positions(), scl = cloud.scales(), rot = cloud.rotations(), op = cloud.opacities(),
                sh = cloud.sh();
        for (int i = 0; i < n; i++) {
            buf.putFloat(pos[i * 3]).putFloat(pos[i * 3 + 1]).putFloat(pos[i * 3 + 2]);
            buf.putFloat(0f).putFloat(0f).putFloat(0f);
            int base = i * k * 3;
            buf.putFloat(sh[base]).putFloat(sh[base + 1]).putFloat(sh[base + 2]);
            for (int c = 0; c < 3; c++) {
                for (int j = 1; j < k; j++) {
                    buf.putFloat(sh[base + j * 3 + c]);
                }
            }
            buf.putFloat((float) logit(op[i]));
            buf.putFloat((float) Math.log(scl[i * 3]));
            buf.putFloat((float) Math.log(scl[i * 3 + 1]));
            buf.putFloat((float) Math.log(scl[i * 3 + 2]));
            buf.putFloat(rot[i * 4]).putFloat(rot[i * 4 + 1]).putFloat(rot[i * 4 + 2]).putFloat(rot[i * 4 + 3]);
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Inverse of {@link #sigmoid}, clamped to ±{@link #MAX_LOGIT}; NaN stays NaN. */
    static double logit(double p) {
        double l = Math.log(p / (1.0 - p));
        if (l > MAX_LOGIT) {
            return MAX_LOGIT;
        }
        if (l < -MAX_LOGIT) {
            return -MAX_LOGIT;
        }
        return l;
    }
}
