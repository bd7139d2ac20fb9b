package io.github.gen3d.mesh;

import com.jme3.asset.AssetManager;
import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.scene.Geometry;
import com.jme3.scene.Mesh;
import com.jme3.scene.VertexBuffer;
import com.jme3.util.BufferUtils;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * Turns a {@link TriangleMesh} into jME objects: a {@link Mesh} with Position, Normal, Color (linear RGBA) and
 * Index buffers plus optional LOD index levels, and a {@link Geometry} with a Lighting material that uses the
 * vertex colours. Vertex colours are linear, which is what jME's gamma-correct pipeline expects.
 */
public final class JmeMeshes {
    /** The Lighting material definition used by {@link #toGeometry}. */
    public static final String LIGHTING = "Common/MatDefs/Light/Lighting.j3md";

    private JmeMeshes() {
    }

    /**
     * Builds a jME mesh with Position (3 floats), Normal (3 floats), Color (4 floats) and Index (3 ints)
     * buffers; bounds and counts are updated.
     *
     * @param mesh the source (not null, unaffected; its arrays are copied)
     * @return a new mesh (not null)
     */
    public static Mesh toMesh(TriangleMesh mesh) {
        Mesh m = new Mesh();
        m.setBuffer(VertexBuffer.Type.Position, 3, BufferUtils.createFloatBuffer(mesh.positions()));
        m.setBuffer(VertexBuffer.Type.Normal, 3, BufferUtils.createFloatBuffer(mesh.normals()));
        m.setBuffer(VertexBuffer.Type.Color, 4, BufferUtils.createFloatBuffer(mesh.colours()));
        m.setBuffer(VertexBuffer.Type.Index, 3, BufferUtils.createIntBuffer(mesh.indices()));
        m.updateBound();
        m.updateCounts();
        return m;
    }

    /**
     * Builds a jME mesh (see {@link #toMesh(TriangleMesh)}) and sets LOD levels from index arrays over the same
     * vertices, e.g. from {@link MeshDecimator#lodIndices}; level 0 should be the full mesh.
     *
     * @param mesh the source (not null, unaffected)
     * @param lodLevels one index array per level, finest first (not null, unaffected; each entry a multiple of 3
     *     long with indices in range)
     * @return a new mesh with {@code lodLevels.length} LOD levels (not null)
     * @throws IllegalArgumentException if a level is malformed
     */
    public static Mesh toMesh(TriangleMesh mesh, int[][] lodLevels) {
        Mesh m = toMesh(mesh);
        if (lodLevels.length == 0) {
            return m;
        }
        VertexBuffer[] levels = new VertexBuffer[lodLevels.length];
        for (int l = 0; l < lodLevels.length; l++) {
            int[] idx = lodLevels[l];
            if (idx.length % 3 != 0) {
                throw new IllegalArgumentException("LOD level " + l + " has " + idx.length + " indices");
            }
            for (int i : idx) {
                if (i < 0 || i >= mesh.vertexCount()) {
                    throw new IllegalArgumentException("LOD level " + l + " index " + i + " out of range");
                }
            }
            VertexBuffer vb = new VertexBuffer(VertexBuffer.Type.Index);
            vb.setupData(VertexBuffer.Usage.Static, 3, VertexBuffer.Format.UnsignedInt,
                    BufferUtils.createIntBuffer(idx));
            levels[l] = vb;
        }
        m.setLodLevels(levels);
        return m;
    }

    /**
     * Wraps a mesh in a geometry with a Lighting material that multiplies white material colours by the vertex
     * colours ({@code UseVertexColor}); the model bound is updated.
     *
     * @param name the geometry name (may be null)
     * @param mesh the mesh (not null, used directly, not copied)
     * @param assets loads the material definition (not null; no renderer needed)
     * @return a new geometry (not null)
     */
    public static Geometry toGeometry(String name, Mesh mesh, AssetManager assets) {
        Material mat = new Material(assets, LIGHTING);
        mat.setBoolean("UseVertexColor", true);
        mat.setBoolean("UseMaterialColors", true);
        mat.setColor("Diffuse", ColorRGBA.White);
        mat.setColor("Ambient", ColorRGBA.White);
        mat.setColor("Specular", ColorRGBA.Black);
        mat.setFloat("Shininess", 1f);
        Geometry g = new Geometry(name, mesh);
        g.setMaterial(mat);
        g.updateModelBound();
        return g;
    }

    /**
     * Reads a triangle mesh back from a jME mesh (Position required; Normal and Color optional, zeros and opaque
     * white when missing; Index as bytes, shorts or ints, or none for a plain triangle list).
     *
     * @param m the jME mesh (not null, unaffected)
     * @return a new triangle mesh (not null)
     * @throws IllegalArgumentException if the mesh has no Position buffer or is not a triangle mesh
     */
    static TriangleMesh fromMesh(Mesh m) {
        if (m.getMode() != Mesh.Mode.Triangles) {
            throw new IllegalArgumentException("not a triangle mesh: " + m.getMode());
        }
        VertexBuffer pos = m.getBuffer(VertexBuffer.Type.Position);
        if (pos == null) {
            throw new IllegalArgumentException("mesh has no Position buffer");
        }
        int n = m.getVertexCount();
        float[] p = floats(pos, n, 3);
        VertexBuffer nb = m.getBuffer(VertexBuffer.Type.Normal);
        float[] normals = nb == null ? new float[3 * n] : floats(nb, n, 3);
        VertexBuffer cb = m.getBuffer(VertexBuffer.Type.Color);
        float[] colours;
        if (cb == null) {
            colours = new float[4 * n];
            java.util.Arrays.fill(colours, 1f);
        } else {
            colours = floats(cb, n, 4);
        }
        VertexBuffer ib = m.getBuffer(VertexBuffer.Type.Index);
        int[] idx;
        if (ib == null) {
            idx = new int[n - n % 3];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
        } else {
            Buffer data = ib.getData();
            idx = new int[data.limit()];
            for (int i = 0; i < idx.length; i++) {
                if (data instanceof IntBuffer ibuf) {
                    idx[i] = ibuf.get(i);
                } else if (data instanceof ShortBuffer sb) {
                    idx[i] = Short.toUnsignedInt(sb.get(i));
                } else if (data instanceof java.nio.ByteBuffer bb) {
                    idx[i] = Byte.toUnsignedInt(bb.get(i));
                } else {
                    throw new IllegalArgumentException("unsupported index buffer " + data.getClass());
                }
            }
        }
        return new TriangleMesh(p, normals, colours, idx);
    }

    private static float[] floats(VertexBuffer vb, int n, int comps) {
        if (!(vb.getData() instanceof FloatBuffer fb) || vb.getNumComponents() != comps) {
            throw new IllegalArgumentException(vb.getBufferType() + " buffer is not " + comps + " floats per vertex");
        }
        float[] out = new float[n * comps];
        fb.get(0, out);
        return out;
    }
}
