package io.github.gen3d.bench;

import io.github.gen3d.splat.SplatSortBenchAccess;
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
 * Back-to-front ordering of 1M splats on one thread: the LSD radix sort (2 × 16-bit digits) ({@code DepthSort}) against
 * {@code Arrays.sort} of packed {@code key << 32 | index} longs, plus the sorter's whole job (depths along a view
 * direction, then the radix sort). Depths are the view-axis depths of random centres, as the sorter computes them.
 *
 * <p>Run: {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args=SortBench} (warm-up and
 * measurement are set here; JMH options after the pattern override them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class SortBench {
    @Param({"1000000"})
    int n;

    private SplatSortBenchAccess access;
    private float[] depths;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        float[] positions = new float[3 * n];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = (float) rnd.nextGaussian();
        }
        access = new SplatSortBenchAccess(positions, n);
        depths = access.depthsAlong(0.3f, -0.2f, -0.93f);
    }

    /** Our radix sort of precomputed depths. */
    @Benchmark
    public void radix(Blackhole bh) {
        bh.consume(access.radix(depths));
    }

    /** Arrays.sort of packed long keys, same order. */
    @Benchmark
    public void packedLongArraysSort(Blackhole bh) {
        bh.consume(access.packedLong(depths));
    }

    /** What the worker does per request: depths along the view direction, then the radix sort. */
    @Benchmark
    public void depthsPlusRadix(Blackhole bh) {
        bh.consume(access.depthsAndRadix(0.3f, -0.2f, -0.93f));
    }
}
