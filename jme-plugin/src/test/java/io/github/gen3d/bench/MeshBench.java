package io.github.gen3d.bench;

import io.github.gen3d.mesh.MeshBenchAccess;
import io.github.gen3d.mesh.TriangleMesh;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mesh extraction: TSDF fusion of 24 depth maps of 256² (a 40000-splat torus rendered by the CPU rasterizer) into a
 * 256³ volume, and marching cubes on the fused volume. The trial setup prints the voxel-view pairs per fusion, so
 * voxel updates per second = pairs / (ms per op / 1000). It also writes the depth maps, cameras and fused volume
 * to {@code target/mesh-bench/} for the Open3D / scikit-image side by side ({@code src/test/python/tsdf_open3d.py}).
 *
 * <p>Run from the repository root:
 * {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args='MeshBench -f 1 -wi 2 -i 3'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class MeshBench {
    /** Worker threads for fusion. */
    @Param({"2"})
    public int threads;

    private MeshBenchAccess access;

    /**
     * Renders the depth maps, fuses once, exports for Python.
     *
     * @throws IOException on an export failure
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        access = MeshBenchAccess.torus(24, 256, 256, threads);
        long updates = access.fuse();
        TriangleMesh m = access.mesh();
        access.export(Paths.get("target", "mesh-bench"));
        System.out.println("[mesh-bench] voxel-view pairs per fusion " + access.voxelViewPairs() + ", updates "
                + updates + ", mesh " + m);
    }

    /** Resets the volume before each fusion. */
    @Setup(Level.Invocation)
    public void reset() {
        access.reset();
    }

    /**
     * Fuses 24 views into an empty 256³ volume (the reset is outside the timing).
     *
     * @return updates (keeps the work alive)
     */
    @Benchmark
    public long fuse() {
        return access.fuse();
    }

    /** A volume fused once, for timing marching cubes alone. */
    @State(Scope.Benchmark)
    public static class Fused {
        MeshBenchAccess fused;

        /** Renders and fuses once. */
        @Setup(Level.Trial)
        public void setup() {
            fused = MeshBenchAccess.torus(24, 256, 256, 2);
            fused.fuse();
        }
    }

    /**
     * Marching cubes on the fused 256³ volume.
     *
     * @param f the fused volume
     * @return triangles
     */
    @Benchmark
    public int mesh(Fused f) {
        return f.fused.mesh().triangleCount();
    }
}
