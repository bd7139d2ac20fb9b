package io.github.gen3d.service;

import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.splat.GaussianCloud;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Serialises a {@link GenerationResult} for the cache, losslessly: the metadata JSON, the cloud's float arrays, the
 * mesh's arrays and the previews as PNG. Every length is checked against what is left before anything is
 * allocated. Layout (big-endian): magic "G3DR", int version, then length-prefixed sections.
 */
final class ResultCodec {
    private static final int MAGIC = 0x47334452; // "G3DR"
    private static final int VERSION = 1;

    private ResultCodec() {
    }

    static byte[] encode(GenerationResult r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            writeBytes(out, r.metadata().toJson().getBytes(StandardCharsets.UTF_8));
            GaussianCloud c = r.gaussians();
            out.writeInt(c.size());
            out.writeInt(c.shDegree());
            writeFloats(out, c.positions());
            writeFloats(out, c.scales());
            writeFloats(out, c.rotations());
            writeFloats(out, c.opacities());
            writeFloats(out, c.sh());
            TriangleMesh m = r.mesh().orElse(null);
            out.writeBoolean(m != null);
            if (m != null) {
                writeFloats(out, m.positions());
                writeFloats(out, m.normals());
                writeFloats(out, m.colours());
                out.writeInt(m.indices().length);
                for (int i : m.indices()) {
                    out.writeInt(i);
                }
            }
            writeBytes(out, png(r.input()));
            writeBytes(out, png(r.twoDPreview()));
            writeBytes(out, png(r.threeDPreview()));
        }
        return bytes.toByteArray();
    }

    /**
     * @param data the encoded result (not null)
     * @param where names the data in messages
     * @return the result (its metadata says fromCache = false; the caller marks it)
     * @throws IOException naming {@code where} when the data is malformed
     */
    static GenerationResult decode(byte[] data, String where) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(where + ": not a cached result of this version");
            }
            GenerationMetadata meta = GenerationMetadata.fromJson(new String(readBytes(in, data.length, where),
                    StandardCharsets.UTF_8), where);
            int n = in.readInt();
            int deg = in.readInt();
            if (n < 0 || n > data.length / 4 || deg < 0 || deg > 3) {
                throw new IOException(where + ": bad cloud header (" + n + " splats, degree " + deg + ")");
            }
            GaussianCloud c = new GaussianCloud(n, deg);
            readInto(in, c.positions(), data.length, where);
            readInto(in, c.scales(), data.length, where);
            readInto(in, c.rotations(), data.length, where);
            readInto(in, c.opacities(), data.length, where);
            readInto(in, c.sh(), data.length, where);
            TriangleMesh mesh = null;
            if (in.readBoolean()) {
                float[] p = readFloats(in, data.length, where);
                float[] nrm = readFloats(in, data.length, where);
                float[] col = readFloats(in, data.length, where);
                int len = in.readInt();
                check(len, 4, data.length, where);
                int[] idx = new int[len];
                for (int i = 0; i < len; i++) {
                    idx[i] = in.readInt();
                }
                try {
                    mesh = new TriangleMesh(p, nrm, col, idx);
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + ": bad mesh: " + e.getMessage(), e);
                }
            }
            BufferedImage input = image(readBytes(in, data.length, where), where);
            BufferedImage twoD = image(readBytes(in, data.length, where), where);
            BufferedImage threeD = image(readBytes(in, data.length, where), where);
            return new GenerationResult(c, mesh, input, twoD, threeD, meta, null, null);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeFloats(DataOutputStream out, float[] f) throws IOException {
        out.writeInt(f.length);
        for (float v : f) {
            out.writeFloat(v);
        }
    }

    private static void check(int len, int elementSize, int total, String where) throws IOException {
        if (len < 0 || (long) len * elementSize > total) {
            throw new IOException(where + ": section length " + len + " does not fit the " + total + " bytes");
        }
    }

    private static byte[] readBytes(DataInputStream in, int total, String where) throws IOException {
        int len = in.readInt();
        check(len, 1, total, where);
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    private static float[] readFloats(DataInputStream in, int total, String where) throws IOException {
        int len = in.readInt();
        check(len, 4, total, where);
        float[] f = new float[len];
        for (int i = 0; i < len; i++) {
            f[i] = in.readFloat();
        }
        return f;
    }

    private static void readInto(DataInputStream in, float[] dst, int total, String where) throws IOException {
        int len = in.readInt();
        if (len != dst.length) {
            throw new IOException(where + ": expected " + dst.length + " values, found " + len);
        }
        check(len, 4, total, where);
        for (int i = 0; i < len; i++) {
            dst[i] = in.readFloat();
        }
    }

    /** @return the picture as PNG bytes */
    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer for a " + image.getType() + " picture");
        }
        return out.toByteArray();
    }

    private static BufferedImage image(byte[] png, String where) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException(where + ": a preview picture is not a PNG");
        }
        return img;
    }
}
