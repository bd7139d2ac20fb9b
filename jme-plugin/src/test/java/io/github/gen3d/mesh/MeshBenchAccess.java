package io.github.gen3d.mesh;

import io.github.gen3d.splat.GaussianCloud;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Lets the benchmarks reach the package-private pipeline stages. Test code only. */
public final class MeshBenchAccess {
    private final MeshExtractor.Setup setup;
    private final int threads;

    private MeshBenchAccess(MeshExtractor.Setup setup, int threads) {
        this.setup = setup;
        this.threads = threads;
    }

    /**
     * Renders the benchmark scene: a torus (R 0.45, r 0.18) of 40000 flat Gaussians.
     *
     * @param views views
     * @param size image size
     * @param resolution volume resolution
     * @param threads threads
     * @return the prepared stages
     */
    public static MeshBenchAccess torus(int views, int size, int resolution, int threads) {
        GaussianCloud c = AnalyticShape.torus(0.45, 0.18).splats(40000, 11);
        MeshExtractor.Settings st = MeshExtractor.Settings.defaults().withViews(views, size).withResolution(resolution)
                .withThreads(threads);
        return new MeshBenchAccess(MeshExtractor.prepare(c, st), threads);
    }

    /** Resets the volume to empty. */
    public void reset() {
        TsdfVolume v = setup.volume();
        java.util.Arrays.fill(v.tsdf, 1f);
        java.util.Arrays.fill(v.weight, 0f);
        java.util.Arrays.fill(v.rgb, (byte) 0);
        java.util.Arrays.fill(v.colourWeight, (byte) 0);
    }

    /** @return fusion updates (fast path) */
    public long fuse() {
        return TsdfFusion.integrate(setup.volume(), setup.views(), threads);
    }

    /** @return the mesh of the current volume */
    public TriangleMesh mesh() {
        return setup.volume().extractMesh();
    }

    /** @return voxel-view pairs visited per fusion ({@code n³ · views}) */
    public long voxelViewPairs() {
        long n = setup.volume().resolution();
        return n * n * n * setup.views().size();
    }

    /**
     * Writes the depth maps, colours, cameras (OpenCV/Open3D convention: world → RDF camera) and the fused volume
     * for {@code src/test/python/tsdf_open3d.py}.
     *
     * @param dir output folder (created)
     * @throws IOException on a write failure
     */
    public void export(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<DepthMap> views = setup.views();
        TsdfVolume v = setup.volume();
        StringBuilder json = new StringBuilder("{\n");
        json.append(String.format("\"resolution\": %d, \"origin\": [%s, %s, %s], \"voxel\": %s, \"truncation\": %s,%n",
                v.n, v.ox, v.oy, v.oz, v.voxel, v.trunc));
        json.append("\"views\": [\n");
        for (int i = 0; i < views.size(); i++) {
            DepthMap d = views.get(i);
            ByteBuffer b = ByteBuffer.allocate(4 * d.depth.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float z : d.depth) {
                b.putFloat(Float.isFinite(z) ? z : 0f); // Open3D: 0 = no depth
            }
            Files.write(dir.resolve("depth" + i + ".f32"), b.array());
            byte[] rgb = new byte[d.depth.length * 3];
            for (int k = 0; k < rgb.length; k++) {
                rgb[k] = (byte) Math.round(255 * Math.max(0, Math.min(1, d.rgb == null ? 0.5f : d.rgb[k])));
            }
            Files.write(dir.resolve("rgb" + i + ".u8"), rgb);
            double[] r = d.rot;
            double tx = -(r[0] * d.px + r[1] * d.py + r[2] * d.pz), ty = -(r[3] * d.px + r[4] * d.py + r[5] * d.pz);
            double tz = -(r[6] * d.px + r[7] * d.py + r[8] * d.pz);
            json.append(String.format("{\"width\": %d, \"height\": %d, \"fx\": %s, \"fy\": %s, \"cx\": %s, \"cy\": %s, "
                    + "\"extrinsic\": [[%s,%s,%s,%s],[%s,%s,%s,%s],[%s,%s,%s,%s],[0,0,0,1]]}%s%n", d.width, d.height,
                    d.fx, d.fy, d.cx, d.cy, r[0], r[1], r[2], tx, r[3], r[4], r[5], ty, r[6], r[7], r[8], tz,
                    i + 1 < views.size() ? "," : ""));
        }
        json.append("]}\n");
        Files.writeString(dir.resolve("scene.json"), json.toString(), StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 * v.tsdf.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v.tsdf);
        Files.write(dir.resolve("tsdf.f32"), b.array());
        ByteBuffer w = ByteBuffer.allocate(4 * v.weight.length).order(ByteOrder.LITTLE_ENDIAN);
        w.asFloatBuffer().put(v.weight);
        Files.write(dir.resolve("weight.f32"), w.array());
    }
}
