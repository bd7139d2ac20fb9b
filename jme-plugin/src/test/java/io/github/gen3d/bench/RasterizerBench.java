package io.github.gen3d.bench;

import com.jme3.math.Vector3f;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.TestClouds;
import io.github.gen3d.splat.GaussianCloud;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU splat rasterizer: 65,536 random Gaussians (seed 1, SH degree 3, centres in the unit cube, scales 0.01–0.03,
 * random rotations and opacities) at 256×256, seen from an orbit camera 2 units away (fovY 50°).
 *
 * <p>Run: {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec
 * -Dbench.args='RasterizerBench -f 1 -wi 2 -i 3'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RasterizerBench {
    private final SplatRasterizer rasterizer = new SplatRasterizer();
    private GaussianCloud cloud;
    private PinholeCamera cam;
    private RenderOptions defaults;
    private RenderOptions oneThread;

    /** Builds the cloud and camera. */
    @Setup
    public void setup() {
        cloud = TestClouds.random(65_536, 3, 0.5f, 0.01f, 0.03f, 1);
        cam = PinholeCamera.orbit(Vector3f.ZERO, 2f, 30, 20, 50, 256, 256);
        defaults = RenderOptions.defaults();
        oneThread = defaults.withThreads(1);
    }

    /** @return the tiled path with one thread per available processor */
    @Benchmark
    public RenderResult fastDefaultThreads() {
        return rasterizer.render(cloud, null, cam, defaults);
    }

    /** @return the tiled path on the calling thread */
    @Benchmark
    public RenderResult fastOneThread() {
        return rasterizer.render(cloud, null, cam, oneThread);
    }

    /** @return the plain reference path */
    @Benchmark
    public RenderResult reference() {
        return rasterizer.renderReference(cloud, null, cam, null);
    }
}
