package io.github.gen3d.trainer.art;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * A 0 A.D. model read from its binary PMD file ({@code *.dae.cached.pmd}, magic {@code PSMD}, versions 1–4): vertex
 * positions and normals (in the model's rest pose, Y up), the first UV set, triangles, the bones' rest states and the
 * prop points where other actors are attached.
 *
 * <p>Layout (little-endian): {@code "PSMD"}, u32 version, u32 data size (file size − 12); u32 vertex count, u32 UV
 * sets per vertex (version ≥ 4 only, else 1); per vertex position (3 f32), normal (3 f32), UV sets (2 f32 each), 4 bone
 * indices (u8) and 4 weights (f32); u32 face count, 3 u16 indices per face; u32 bone count, per bone translation
 * (3 f32) and rotation (x, y, z, w f32); version ≥ 2: u32 prop point count, per point u32 name length, the name,
 * translation, rotation and u8 bone (255 = none). Versions 1 and 2 store vertices relative to the bind pose; this
 * reader refuses them (0 A.D. 0.26 ships version 4 only).
 *
 * @param positions x, y, z per vertex
 * @param normals x, y, z per vertex
 * @param uvs u, v per vertex (the first UV set)
 * @param indices three vertex indices per triangle
 * @param boneRest per bone: translation x, y, z then rotation x, y, z, w (7 floats)
 * @param propPoints prop points by name, in file order
 */
public record PmdMesh(float[] positions, float[] normals, float[] uvs, int[] indices, float[] boneRest,
        Map<String, PropPoint> propPoints) {
    /** Largest vertex or face count accepted (a u16 index format cannot address more vertices). */
    static final int MAX_COUNT = 1 << 20;

    /**
     * A prop point.
     *
     * @param name its name (as actors' {@code attachpoint})
     * @param translation x, y, z (relative to the bone)
     * @param rotation x, y, z, w (relative to the bone)
     * @param bone the bone index, or −1 for none
     */
    public record PropPoint(String name, float[] translation, float[] rotation, int bone) {
    }

    /** @return the vertex count */
    public int vertexCount() {
        return positions.length / 3;
    }

    /** @return the triangle count */
    public int triangleCount() {
        return indices.length / 3;
    }

    /**
     * Reads a PMD file.
     *
     * @param file the file (not null)
     * @return the mesh
     * @throws IOException when the file cannot be read or is not a valid PMD; the message names the file
     */
    public static PmdMesh read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new IOException(file + ": not a valid PMD file: "
                    + (e.getMessage() == null ? "truncated" : e.getMessage()), e);
        }
    }

    /**
     * Parses PMD bytes.
     *
     * @param bytes the whole file (not null, unaffected)
     * @return the mesh
     * @throws IllegalArgumentException when the bytes are not a valid PMD file (the message says why)
     */
    static PmdMesh parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || bytes[0] != 'P' || bytes[1] != 'S' || bytes[2] != 'M' || bytes[3] != 'D') {
            throw new IllegalArgumentException("missing the PSMD magic");
        }
        b.position(4);
        int version = b.getInt();
        if (version < 3 || version > 4) {
            throw new IllegalArgumentException("unsupported version " + Integer.toUnsignedString(version)
                    + " (3 and 4 are read)");
        }
        long dataSize = Integer.toUnsignedLong(b.getInt());
        if (dataSize != bytes.length - 12L) {
            throw new IllegalArgumentException("data size " + dataSize + " does not match the file size "
                    + bytes.length + " − 12");
        }
        int nv = count(b, "vertex", 1);
        int sets = version >= 4 ? count(b, "UV set", 1) : 1;
        if (sets < 1) {
            throw new IllegalArgumentException("no UV set");
        }
        long vertexBytes = 24L + 8L * sets + 4 + 16;
        need(b, nv * vertexBytes, "vertices");
        float[] pos = new float[3 * nv];
        float[] nrm = new float[3 * nv];
        float[] uv = new float[2 * nv];
        for (int i = 0; i < nv; i++) {
            for (int k = 0; k < 3; k++) {
                pos[3 * i + k] = finite(b.getFloat(), "position");
            }
            for (int k = 0; k < 3; k++) {
                nrm[3 * i + k] = finite(b.getFloat(), "normal");
            }
            for (int s = 0; s < sets; s++) {
                float u = b.getFloat(), v = b.getFloat();
                if (s == 0) {
                    uv[2 * i] = finite(u, "UV");
                    uv[2 * i + 1] = finite(v, "UV");
                }
            }
            b.position(b.position() + 4 + 16); // bone indices and weights: the rest pose is all we render
        }
        int nf = count(b, "face", 1);
        need(b, 6L * nf, "faces");
        int[] idx = new int[3 * nf];
        for (int i = 0; i < 3 * nf; i++) {
            int v = Short.toUnsignedInt(b.getShort());
            if (v >= nv) {
                throw new IllegalArgumentException("face " + (i / 3) + " names vertex " + v + " of " + nv);
            }
            idx[i] = v;
        }
        int nb = count(b, "bone", 1);
        need(b, 28L * nb, "bones");
        float[] bones = new float[7 * nb];
        for (int i = 0; i < bones.length; i++) {
            bones[i] = finite(b.getFloat(), "bone");
        }
        Map<String, PropPoint> props = new LinkedHashMap<>();
        int np = count(b, "prop point", 4 + 28 + 1);
        for (int i = 0; i < np; i++) {
            int len = count(b, "prop point name length", 1);
            need(b, len + 29L, "prop point");
            byte[] name = new byte[len];
            b.get(name);
            float[] t = {b.getFloat(), b.getFloat(), b.getFloat()};
            float[] r = {b.getFloat(), b.getFloat(), b.getFloat(), b.getFloat()};
            int bone = Byte.toUnsignedInt(b.get());
            if (bone != 255 && bone >= nb) {
                throw new IllegalArgumentException("prop point " + i + " names bone " + bone + " of " + nb);
            }
            String n = new String(name, StandardCharsets.US_ASCII);
            props.put(n, new PropPoint(n, t, r, bone == 255 ? -1 : bone));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " bytes after the prop points");
        }
        return new PmdMesh(pos, nrm, uv, idx, bones, props);
    }

    /**
     * The world transform of a prop point in the rest pose: the bone's rest transform (translation · rotation) times
     * the point's own, as a column-major-free 3×4 matrix (rotation row-major 9, then translation 3).
     *
     * @param p the prop point (not null)
     * @return 12 new floats
     */
    public float[] propTransform(PropPoint p) {
        double[] local = Transforms.of(p.translation(), p.rotation());
        if (p.bone() < 0) {
            return Transforms.toFloat(local);
        }
        int o = 7 * p.bone();
        double[] bone = Transforms.of(new float[] {boneRest[o], boneRest[o + 1], boneRest[o + 2]},
                new float[] {boneRest[o + 3], boneRest[o + 4], boneRest[o + 5], boneRest[o + 6]});
        return Transforms.toFloat(Transforms.compose(bone, local));
    }

    private static int count(ByteBuffer b, String what, int minBytesEach) {
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("truncated before the " + what + " count");
        }
        long n = Integer.toUnsignedLong(b.getInt());
        if (n > MAX_COUNT || n * minBytesEach > b.remaining()) {
            throw new IllegalArgumentException(what + " count " + n + " does not fit the " + b.remaining()
                    + " bytes left");
        }
        return (int) n;
    }

    private static void need(ByteBuffer b, long bytes, String what) {
        if (bytes > b.remaining()) {
            throw new IllegalArgumentException("truncated " + what + ": " + bytes + " bytes needed, "
                    + b.remaining() + " left");
        }
    }

    private static float finite(float v, String what) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("non-finite " + what);
        }
        return v;
    }

    /** @return the prop point names (a new list) */
    public List<String> propPointNames() {
        return new ArrayList<>(propPoints.keySet());
    }
}
