package io.github.gen3d.splat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The antimatter15 {@code .splat} format: no header, 32 bytes per splat, little endian, native frame
 * {@link SplatFrame#RDF}.
 *
 * <pre>
 * offset  0: position   f32 × 3
 * offset 12: scale      f32 × 3   (linear, not log)
 * offset 24: colour     u8 × 4    r, g, b = clamp(0.5 + C0·dc, 0, 1)·255; a = opacity·255
 * offset 28: rotation   u8 × 4    w, x, y, z, each round(q·128 + 128); decoded (b − 128)/128, then normalised
 * </pre>
 * The format has no view-dependent colour: clouds read from it have SH degree 0, and the writer keeps only the
 * DC term. A zero quaternion (all bytes 128) reads as the identity and is counted in a log warning.
 */
final class SplatFileFormat implements SplatFormat {
    /** Bytes per splat. */
    static final int RECORD = 32;

    @Override
    public String extension() {
        return "splat";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RDF;
    }

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        if (data.length % RECORD != 0) {
            throw new IOException(name + ": .splat length " + data.length + " bytes is not a multiple of " + RECORD
                    + " (the size of one splat record); the file is truncated or not a .splat file");
        }
        int n = data.length / RECORD;
        GaussianCloud cloud = new GaussianCloud(n, 0);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] pos = cloud.positions(), scl = cloud.scales(), rot = cloud.rotations(), op = cloud.opacities(),
                sh = cloud.sh();
        int zeroRot = 0;
        for (int i = 0; i < n; i++) {
            int o = i * RECORD;
            for (int j = 0; j < 3; j++) {
                pos[i * 3 + j] = b.getFloat(o + 4 * j);
                scl[i * 3 + j] = b.getFloat(o + 12 + 4 * j);
            }
            for (int c = 0; c < 3; c++) {
                sh[i * 3 + c] = ((data[o + 24 + c] & 0xFF) / 255f - 0.5f) / SphericalHarmonics.C0;
            }
            op[i] = (data[o + 27] & 0xFF) / 255f;
            double w = ((data[o + 28] & 0xFF) - 128) / 128.0;
            double x = ((data[o + 29] & 0xFF) - 128) / 128.0;
            double y = ((data[o + 30] & 0xFF) - 128) / 128.0;
            double z = ((data[o + 31] & 0xFF) - 128) / 128.0;
            if (!PlyFormat.setRotation(rot, i, w, x, y, z)) {
                zeroRot++;
            }
        }
        PlyFormat.warnZeroRotations(name, zeroRot);
        return cloud;
    }

    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        int n = cloud.size();
        int k3 = cloud.shCoefficients() * 3;
        float[] pos = cloud.positions(), scl = cloud.scales(), rot = cloud.rotations(), op = cloud.opacities(),
                sh = cloud.sh();
        int perBatch = 2048;
        ByteBuffer buf = ByteBuffer.allocate(perBatch * RECORD).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putFloat(pos[i * 3]).putFloat(pos[i * 3 + 1]).putFloat(pos[i * 3 + 2]);
            buf.putFloat(scl[i * 3]).putFloat(scl[i * 3 + 1]).putFloat(scl[i * 3 + 2]);
            for (int c = 0; c < 3; c++) {
                buf.put(unit8(0.5 + SphericalHarmonics.C0 * sh[i * k3 + c]));
            }
            buf.put(unit8(op[i]));
            double w = rot[i * 4], x = rot[i * 4 + 1], y = rot[i * 4 + 2], z = rot[i * 4 + 3];
            double nn = Math.sqrt(w * w + x * x + y * y + z * z);
            if (!(nn > 0) || !Double.isFinite(nn)) {
                w = 1;
                x = 0;
                y = 0;
                z = 0;
                nn = 1;
            }
            buf.put(quat8(w / nn)).put(quat8(x / nn)).put(quat8(y / nn)).put(quat8(z / nn));
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** [0, 1] → round(v·255), clamped; NaN → 0. */
    private static byte unit8(double v) {
        double s = Math.rint(v * 255.0);
        return (byte) (s >= 255 ? 255 : s > 0 ? (int) s : 0);
    }

    /** [−1, 1] → round(v·128 + 128), clamped to 0..255. */
    private static byte quat8(double v) {
        double s = Math.rint(v * 128.0 + 128.0);
        return (byte) (s >= 255 ? 255 : s > 0 ? (int) s : 0);
    }
}
