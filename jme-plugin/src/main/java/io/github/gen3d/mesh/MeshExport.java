package io.github.gen3d.mesh;

import com.jme3.export.Savable;
import com.jme3.export.binary.BinaryExporter;
import de.javagl.jgltf.impl.v2.Accessor;
import de.javagl.jgltf.impl.v2.Asset;
import de.javagl.jgltf.impl.v2.Buffer;
import de.javagl.jgltf.impl.v2.BufferView;
import de.javagl.jgltf.impl.v2.GlTF;
import de.javagl.jgltf.impl.v2.Material;
import de.javagl.jgltf.impl.v2.MaterialPbrMetallicRoughness;
import de.javagl.jgltf.impl.v2.MeshPrimitive;
import de.javagl.jgltf.impl.v2.Node;
import de.javagl.jgltf.impl.v2.Scene;
import de.javagl.jgltf.model.io.GltfAssetWriter;
import de.javagl.jgltf.model.io.v2.GltfAssetV2;
import io.github.gen3d.internal.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes meshes to files: binary glTF ({@code .glb}, through JglTF), Wavefront {@code .obj} with vertex colours,
 * and jME's {@code .j3o} (BinaryExporter). Every write goes to a temporary file in the target folder that is then
 * moved over the target, so a failed write never leaves a half-written file behind.
 */
public final class MeshExport {
    private static final int FLOAT = 5126;
    private static final int UNSIGNED_INT = 5125;
    private static final int ARRAY_BUFFER = 34962;
    private static final int ELEMENT_ARRAY_BUFFER = 34963;
    private static final int TRIANGLES = 4;

    private MeshExport() {
    }

    /**
     * Writes a binary glTF 2.0 file: one mesh with POSITION (with min/max), NORMAL, COLOR_0 (linear RGBA floats)
     * and 32-bit indices, a white, non-metallic, fully rough PBR material, one node, one scene.
     *
     * @param mesh the mesh (not null, unaffected, at least one vertex)
     * @param file the target, replaced if it exists (not null)
     * @throws IOException if writing fails or the mesh is empty (the message names the file)
     */
    public static void writeGlb(TriangleMesh mesh, Path file) throws IOException {
        if (mesh.vertexCount() == 0) {
            throw new IOException(file + ": cannot write an empty mesh as glTF");
        }
        int n = mesh.vertexCount();
        int posBytes = 12 * n;
        int nrmBytes = 12 * n;
        int colBytes = 16 * n;
        int idxBytes = 4 * mesh.indices().length;
        long total = (long) posBytes + nrmBytes + colBytes + idxBytes;
        if (total > Integer.MAX_VALUE - 64) {
            throw new IOException(file + ": mesh too large for one glTF buffer (" + total + " bytes)");
        }
        ByteBuffer bin = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        bin.asFloatBuffer().put(mesh.positions());
        bin.position(posBytes);
        bin.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(mesh.normals());
        bin.position(posBytes + nrmBytes);
        bin.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(mesh.colours());
        bin.position(posBytes + nrmBytes + colBytes);
        bin.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(mesh.indices());
        bin.position(0);

        GlTF gltf = new GlTF();
        Asset asset = new Asset();
        asset.setVersion("2.0");
        asset.setGenerator("Gen3D for jMonkeyEngine");
        gltf.setAsset(asset);
        Buffer buffer = new Buffer();
        buffer.setByteLength((int) total);
        gltf.addBuffers(buffer);
        int offset = 0;
        int[] lengths = {posBytes, nrmBytes, colBytes, idxBytes};
        for (int v = 0; v < 4; v++) {
            BufferView view = new BufferView();
            view.setBuffer(0);
            view.setByteOffset(offset);
            view.setByteLength(lengths[v]);
            view.setTarget(v == 3 ? ELEMENT_ARRAY_BUFFER : ARRAY_BUFFER);
            gltf.addBufferViews(view);
            offset += lengths[v];
        }
        float[] p = mesh.positions();
        Float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        Float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < p.length; i++) {
            min[i % 3] = Math.min(min[i % 3], p[i]);
            max[i % 3] = Math.max(max[i % 3], p[i]);
        }
        Accessor pos = accessor(0, FLOAT, n, "VEC3");
        pos.setMin(min);
        pos.setMax(max);
        gltf.addAccessors(pos);
        gltf.addAccessors(accessor(1, FLOAT, n, "VEC3"));
        gltf.addAccessors(accessor(2, FLOAT, n, "VEC4"));
        gltf.addAccessors(accessor(3, UNSIGNED_INT, mesh.indices().length, "SCALAR"));

        MaterialPbrMetallicRoughness pbr = new MaterialPbrMetallicRoughness();
        pbr.setBaseColorFactor(new float[] {1, 1, 1, 1});
        pbr.setMetallicFactor(0f);
        pbr.setRoughnessFactor(1f);
        Material material = new Material();
        material.setName("vertexColour");
        material.setPbrMetallicRoughness(pbr);
        gltf.addMaterials(material);

        MeshPrimitive prim = new MeshPrimitive();
        prim.addAttributes("POSITION", 0);
        prim.addAttributes("NORMAL", 1);
        prim.addAttributes("COLOR_0", 2);
        prim.setIndices(3);
        prim.setMaterial(0);
        prim.setMode(TRIANGLES);
        de.javagl.jgltf.impl.v2.Mesh gm = new de.javagl.jgltf.impl.v2.Mesh();
        gm.setName("gen3dMesh");
        gm.addPrimitives(prim);
        gltf.addMeshes(gm);
        Node node = new Node();
        node.setName("gen3dMesh");
        node.setMesh(0);
        gltf.addNodes(node);
        Scene scene = new Scene();
        scene.addNodes(0);
        gltf.addScenes(scene);
        gltf.setScene(0);

        GltfAssetV2 glb = new GltfAssetV2(gltf, bin);
        AtomicFiles.write(file, out -> new GltfAssetWriter().writeBinary(glb, out));
    }

    /**
     * Writes a Wavefront OBJ: {@code v x y z r g b} (colours sRGB-encoded from the linear values, the common
     * convention of viewers that read OBJ vertex colours; alpha is dropped), {@code vn}, and {@code f a//a b//b
     * c//c} with 1-based indices. Numbers use the shortest decimal form that reads back to the same float.
     *
     * @param mesh the mesh (not null, unaffected)
     * @param file the target, replaced if it exists (not null)
     * @throws IOException if writing fails (the message names the file)
     */
    public static void writeObj(TriangleMesh mesh, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
            float[] p = mesh.positions();
            float[] nn = mesh.normals();
            float[] c = mesh.colours();
            w.write("# Gen3D for jMonkeyEngine: " + mesh.vertexCount() + " vertices, " + mesh.triangleCount()
                    + " triangles; vertex colours sRGB\n");
            for (int i = 0; i < mesh.vertexCount(); i++) {
                w.write("v " + p[3 * i] + ' ' + p[3 * i + 1] + ' ' + p[3 * i + 2] + ' '
                        + linearToSrgb(c[4 * i]) + ' ' + linearToSrgb(c[4 * i + 1]) + ' '
                        + linearToSrgb(c[4 * i + 2]) + '\n');
            }
            for (int i = 0; i < mesh.vertexCount(); i++) {
                w.write("vn " + nn[3 * i] + ' ' + nn[3 * i + 1] + ' ' + nn[3 * i + 2] + '\n');
            }
            int[] idx = mesh.indices();
            for (int t = 0; t < idx.length; t += 3) {
                int a = idx[t] + 1;
                int b = idx[t + 1] + 1;
                int d = idx[t + 2] + 1;
                w.write("f " + a + "//" + a + ' ' + b + "//" + b + ' ' + d + "//" + d + '\n');
            }
            w.flush();
        });
    }

    /**
     * Writes any jME savable (a Geometry, Node or Mesh) as {@code .j3o} with jME's BinaryExporter. Note that a
     * geometry's material is saved by reference to its definition, so loading needs the same asset paths.
     *
     * @param savable what to save (not null, unaffected)
     * @param file the target, replaced if it exists (not null)
     * @throws IOException if writing fails (the message names the file)
     */
    public static void writeJ3o(Savable savable, Path file) throws IOException {
        AtomicFiles.write(file, out -> BinaryExporter.getInstance().save(savable, out));
    }

    /** Linear [0,1] to sRGB-encoded [0,1] (IEC 61966-2-1), clamped. */
    static float linearToSrgb(float linear) {
        float x = Math.max(0f, Math.min(1f, linear));
        return x <= 0.0031308f ? 12.92f * x : (float) (1.055 * Math.pow(x, 1 / 2.4) - 0.055);
    }

    /** sRGB-encoded [0,1] to linear [0,1], the inverse of {@link #linearToSrgb}. */
    static float srgbToLinear(float srgb) {
        float x = Math.max(0f, Math.min(1f, srgb));
        return x <= 0.04045f ? x / 12.92f : (float) Math.pow((x + 0.055) / 1.055, 2.4);
    }

    private static Accessor accessor(int view, int componentType, int count, String type) {
        Accessor a = new Accessor();
        a.setBufferView(view);
        a.setByteOffset(0);
        a.setComponentType(componentType);
        a.setCount(count);
        a.setType(type);
        return a;
    }
}
