package io.github.gen3d.bench;

import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatSortBenchAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A {@code SplatGroup}'s CPU costs for 1M splats split into {@code members} equal clouds: the background sort (each
 * member's depths from its plane, then one radix sort of all splats) and a repack (both concatenated data textures,
 * SH degree 3), what a membership change costs before the upload.
 *
 * <p>Run: {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args=GroupBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class GroupBench {
    @Param({"1000000"})
    int n;

    @Param({"1", "16"})
    int members;

    private SplatSortBenchAccess access;
    private int[] starts;
    private float[] planes;
    private List<GaussianCloud> clouds;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        float[] positions = new float[3 * n];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = (float) rnd.nextGaussian();
        }
        access = new SplatSortBenchAccess(positions, n);
        starts = new int[members + 1];
        planes = new float[4 * members];
        clouds = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            starts[m + 1] = (int) ((long) n * (m + 1) / members);
            // a member turned about y by m·10°, moved along x: its plane for the view direction (0, 0, -1)
            double a = Math.toRadians(10 * m);
            planes[4 * m] = (float) Math.sin(a);
            planes[4 * m + 2] = (float) -Math.cos(a);
            planes[4 * m + 3] = 0.5f * m;
            GaussianCloud c = new GaussianCloud(starts[m + 1] - starts[m], 3);
            System.arraycopy(positions, 3 * starts[m], c.positions(), 0, 3 * c.size());
            for (int i = 0; i < c.size(); i++) {
                c.scales()[3 * i] = 0.01f + 0.01f * rnd.nextFloat();
                c.scales()[3 * i + 1] = 0.01f + 0.01f * rnd.nextFloat();
                c.scales()[3 * i + 2] = 0.01f + 0.01f * rnd.nextFloat();
                c.rotations()[4 * i] = 1;
                c.rotations()[4 * i + 1] = rnd.nextFloat() - 0.5f;
                c.opacities()[i] = rnd.nextFloat();
            }
            for (int i = 0; i < c.sh().length; i++) {
                c.sh()[i] = (float) (0.2 * rnd.nextGaussian());
            }
            clouds.add(c);
        }
    }

    /** The group sorter's job per request. */
    @Benchmark
    public void groupDepthsPlusRadix(Blackhole bh) {
        bh.consume(access.groupDepthsAndRadix(starts, planes));
    }

    /** Packing both data textures for all members (a repack, before the upload). */
    @Benchmark
    public void repackTextures(Blackhole bh) {
        bh.consume(SplatSortBenchAccess.packGroupTextures(clouds, 3));
    }
}
