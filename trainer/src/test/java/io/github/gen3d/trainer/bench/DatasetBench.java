package io.github.gen3d.trainer.bench;

import io.github.gen3d.trainer.dataset.MeshToSplats;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.trainer.dataset.PropGenerator;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.splat.GaussianCloud;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Procedural dataset costs: generating one prop (cycling through the categories and seeds) and sampling a prop's
 * mesh into 16,384 flat splats with baked light.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DatasetBench {
    private static final PropCategory[] CATS = PropCategory.values();
    private static final float[] LIGHT = {0.5f, 1f, 0.8f};
    private long seed;
    private final TriangleMesh chest = PropGenerator.generate(PropCategory.CHEST, 1).mesh();

    /** @return a generated prop's mesh (consumed by JMH) */
    @Benchmark
    public TriangleMesh generate() {
        seed++;
        return PropGenerator.generate(CATS[(int) (seed % CATS.length)], seed).mesh();
    }

    /** @return 16,384 splats sampled on a chest (consumed by JMH) */
    @Benchmark
    public GaussianCloud sample16k() {
        return MeshToSplats.sample(chest, 16_384, ++seed, LIGHT);
    }
}
