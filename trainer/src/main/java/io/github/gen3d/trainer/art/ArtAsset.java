package io.github.gen3d.trainer.art;

import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.mesh.TriangleMesh;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A textured game asset ready to render: the parts of an actor merged into one triangle mesh (UVs, one texture and
 * material per part), normalised as the procedural props are — bounding-box centre at the origin, farthest vertex at
 * {@link #BOUNDING_RADIUS} — and a {@link MeshRasterizer.Surface} that textures it.
 */
public final class ArtAsset {
    /** The procedural props' bounding radius ({@code PropGenerator.BOUNDING_RADIUS}). */
    public static final float BOUNDING_RADIUS = 0.5f;
    /** Alpha below which an alpha-tested sample is discarded. */
    static final double ALPHA_CUTOFF = 0.5;
    private final TriangleMesh mesh;
    private final float[] uvs;
    private final int[] triPart;
    private final ArtTexture[] textures;
    private final ActorLibrary.Material[] materials;
    private final float[][] tints;
    private final float[] uvArea;

    private ArtAsset(TriangleMesh mesh, float[] uvs, int[] triPart, ArtTexture[] textures,
            ActorLibrary.Material[] materials, float[][] tints) {
        this.mesh = mesh;
        this.uvs = uvs;
        this.triPart = triPart;
        this.textures = textures;
        this.materials = materials;
        this.tints = tints;
        int[] idx = mesh.indices();
        this.uvArea = new float[triPart.length];
        for (int t = 0; t < triPart.length; t++) {
            int a = idx[3 * t], b = idx[3 * t + 1], c = idx[3 * t + 2];
            double ux = uvs[2 * b] - uvs[2 * a], uy = uvs[2 * b + 1] - uvs[2 * a + 1];
            double vx = uvs[2 * c] - uvs[2 * a], vy = uvs[2 * c + 1] - uvs[2 * a + 1];
            uvArea[t] = (float) (0.5 * Math.abs(ux * vy - uy * vx));
        }
    }

    /** A source of textures by name (cached by the caller). */
    interface Textures {
        /**
         * @param name the texture name as the actor gives it
         * @return the texture
         * @throws IOException when it cannot be read
         */
        ArtTexture get(String name) throws IOException;
    }

    /**
     * Merges an actor's parts and normalises the result.
     *
     * @param lib the library that resolved the parts (for file names)
     * @param parts the parts (not null, not empty)
     * @param textures the texture source
     * @return the asset
     * @throws IOException when a mesh or texture cannot be read, or the asset has no triangles or no extent
     */
    static ArtAsset assemble(ActorLibrary lib, List<ActorLibrary.Part> parts, Textures textures) throws IOException {
        int nv = 0, nt = 0;
        List<PmdMesh> list = new ArrayList<>();
        for (ActorLibrary.Part p : parts) {
            PmdMesh m = lib.mesh(p.mesh());
            list.add(m);
            nv += m.vertexCount();
            nt += m.triangleCount();
        }
        if (nt == 0) {
            throw new IOException(parts.isEmpty() ? "no parts" : parts.get(0).actor() + ": no triangles");
        }
        float[] pos = new float[3 * nv];
        float[] nrm = new float[3 * nv];
        float[] uv = new float[2 * nv];
        int[] idx = new int[3 * nt];
        int[] triPart = new int[nt];
        ArtTexture[] tex = new ArtTexture[parts.size()];
        ActorLibrary.Material[] mats = new ActorLibrary.Material[parts.size()];
        float[][] tints = new float[parts.size()][];
        int vo = 0, to = 0;
        for (int k = 0; k < parts.size(); k++) {
            ActorLibrary.Part p = parts.get(k);
            PmdMesh m = list.get(k);
            tex[k] = p.texture() == null ? null : textures.get(p.texture());
            mats[k] = p.material();
            tints[k] = p.tint();
            float[] tr = p.transform();
            for (int i = 0; i < m.vertexCount(); i++) {
                float x = m.positions()[3 * i], y = m.positions()[3 * i + 1], z = m.positions()[3 * i + 2];
                float a = m.normals()[3 * i], b = m.normals()[3 * i + 1], c = m.normals()[3 * i + 2];
                int o = 3 * (vo + i);
                for (int r = 0; r < 3; r++) {
                    pos[o + r] = tr[3 * r] * x + tr[3 * r + 1] * y + tr[3 * r + 2] * z + tr[9 + r];
                    nrm[o + r] = tr[3 * r] * a + tr[3 * r + 1] * b + tr[3 * r + 2] * c;
                }
                float len = (float) Math.sqrt(nrm[o] * nrm[o] + nrm[o + 1] * nrm[o + 1] + nrm[o + 2] * nrm[o + 2]);
                if (len > 0) {
                    nrm[o] /= len;
                    nrm[o + 1] /= len;
                    nrm[o + 2] /= len;
                }
                uv[2 * (vo + i)] = m.uvs()[2 * i];
                uv[2 * (vo + i) + 1] = m.uvs()[2 * i + 1];
            }
            for (int t = 0; t < m.triangleCount(); t++) {
                for (int c = 0; c < 3; c++) {
                    idx[3 * (to + t) + c] = vo + m.indices()[3 * t + c];
                }
                triPart[to + t] = k;
            }
            vo += m.vertexCount();
            to += m.triangleCount();
        }
        normalise(pos, parts.get(0).actor());
        float[] white = new float[4 * nv];
        Arrays.fill(white, 1f);
        return new ArtAsset(new TriangleMesh(pos, nrm, white, idx), uv, triPart, tex, mats, tints);
    }

    /** Centres the bounding box at the origin and scales the farthest vertex to {@link #BOUNDING_RADIUS}. */
    static void normalise(float[] pos, String name) throws IOException {
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < pos.length; i++) {
            lo[i % 3] = Math.min(lo[i % 3], pos[i]);
            hi[i % 3] = Math.max(hi[i % 3], pos[i]);
        }
        double[] c = {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2};
        double r = 0;
        for (int i = 0; i < pos.length; i += 3) {
            double dx = pos[i] - c[0], dy = pos[i + 1] - c[1], dz = pos[i + 2] - c[2];
            r = Math.max(r, dx * dx + dy * dy + dz * dz);
        }
        r = Math.sqrt(r);
        if (!(r > 1e-9) || !Double.isFinite(r)) {
            throw new IOException(name + ": the asset has no extent");
        }
        double s = BOUNDING_RADIUS / r;
        for (int i = 0; i < pos.length; i++) {
            pos[i] = (float) ((pos[i] - c[i % 3]) * s);
        }
    }

    /** @return the normalised mesh (vertex colours white; the surface carries the colour) */
    public TriangleMesh mesh() {
        return mesh;
    }

    /**
     * The asset rotated about +Y (for the dataset's canonical frame); textures and materials shared.
     *
     * @param rotated the rotated mesh (same vertices and triangles), e.g. from {@code PropPose.rotateY}
     * @return a new asset on the rotated mesh
     */
    public ArtAsset withMesh(TriangleMesh rotated) {
        if (rotated.vertexCount() != mesh.vertexCount() || rotated.triangleCount() != mesh.triangleCount()) {
            throw new IllegalArgumentException("the rotated mesh must have the same vertices and triangles");
        }
        return new ArtAsset(rotated, uvs, triPart, textures, materials, tints);
    }

    /** @return a new surface for one rendering thread */
    public MeshRasterizer.Surface surface() {
        int[] idx = mesh.indices();
        double[] s = new double[4];
        return new MeshRasterizer.Surface() {
            @Override
            public boolean covers(int t, double w0, double w1, double w2) {
                int k = triPart[t];
                if (textures[k] == null || !materials[k].alphaTest()) {
                    return true;
                }
                sample(t, w0, w1, w2, 0, s);
                return s[3] >= ALPHA_CUTOFF;
            }

            @Override
            public void colour(int t, double w0, double w1, double w2, double pixelArea, double[] out) {
                int k = triPart[t];
                ArtTexture tex = textures[k];
                if (tex == null) {
                    out[0] = out[1] = out[2] = 0.8;
                    return;
                }
                sample(t, w0, w1, w2, tex.lod(uvArea[t], pixelArea), s);
                float[] tint = tints[k];
                for (int c = 0; c < 3; c++) {
                    double v = s[c];
                    if (materials[k].colourMask() && tint != null) {
                        v *= tint[c] + (1 - tint[c]) * s[3];
                    }
                    out[c] = v;
                }
            }

            private void sample(int t, double w0, double w1, double w2, double lod, double[] o) {
                int a = idx[3 * t], b = idx[3 * t + 1], c = idx[3 * t + 2];
                double u = w0 * uvs[2 * a] + w1 * uvs[2 * b] + w2 * uvs[2 * c];
                double v = w0 * uvs[2 * a + 1] + w1 * uvs[2 * b + 1] + w2 * uvs[2 * c + 1];
                textures[triPart[t]].sample(u, v, lod, o);
            }
        };
    }
}
