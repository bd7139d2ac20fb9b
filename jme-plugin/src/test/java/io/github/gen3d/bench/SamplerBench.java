package io.github.gen3d.bench;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.GaussianReconstructor;
import io.github.gen3d.diffusion.MultiViewDenoiser;
import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.RasterViewRenderer;
import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SampleResult;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.StepTimings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.render.TestClouds;
import io.github.gen3d.splat.GaussianCloud;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-step cost of {@link SynergySampler} (full Gen-3Diffusion mode, guidance 5) split into denoiser, reconstructor,
 * render and scheduler time, from the {@link StepTimings} the sampler records itself. Stand-ins with realistic sizes:
 * 4 views of RGB at {@code size}×{@code size}; a denoiser that answers ε = 0.1·x_t (so its time is only the call and
 * copy overhead; real networks add their own); a reconstructor that returns a copy of 16,384 random Gaussians in a
 * unit cube (SH degree 0, scales 0.01–0.03), like an LGM-style network's output; the default renderer (CPU
 * rasterizer, white background, all cores). One operation is a whole sampling of {@value #STEPS} DDIM steps plus the
 * final reconstruction; after every measurement iteration the mean per-step split is printed.
 *
 * <p>Run: {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec
 * -Dbench.args='SamplerBench -f 1 -wi 2 -i 3'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SamplerBench {
    /** DDIM steps per operation. */
    static final int STEPS = 10;
    /** Gaussians the reconstructor stand-in returns. */
    static final int GAUSSIANS = 16_384;

    /** View edge in pixels. */
    @Param({"64", "256"})
    public int size;

    private SynergySampler sampler;
    private long seed;
    private StepTimings sum;
    private int steps;

    /** Builds the stand-ins and the sampler. */
    @Setup(Level.Trial)
    public void setup() {
        GaussianCloud cloud = TestClouds.random(GAUSSIANS, 0, 0.5f, 0.01f, 0.03f, 1);
        int n = size;
        MultiViewDenoiser denoiser = new MultiViewDenoiser() {
            @Override
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            @Override
            public int viewCount() {
                return 4;
            }

            @Override
            public int channels() {
                return 3;
            }

            @Override
            public int height() {
                return n;
            }

            @Override
            public int width() {
                return n;
            }

            @Override
            public float[] predict(DenoiserCall call) {
                float[] x = call.noisyViews();
                float[] out = new float[x.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = 0.1f * x[i];
                }
                return out;
            }
        };
        GaussianReconstructor reconstructor = (x, t, x0, c) -> cloud.copy();
        sampler = new SynergySampler(denoiser, reconstructor, RasterViewRenderer.whiteBackground(),
                SamplerSettings.defaults().withSteps(STEPS));
    }

    /** Clears the per-iteration sums. */
    @Setup(Level.Iteration)
    public void resetSums() {
        sum = StepTimings.ZERO;
        steps = 0;
    }

    /** Prints the mean per-step split of the iteration. */
    @TearDown(Level.Iteration)
    public void printSplit() {
        if (steps == 0) {
            return;
        }
        double k = 1e6 * steps;
        System.out.printf(Locale.ROOT, "%n[SamplerBench size=%d] per step over %d steps: denoiser %.2f ms, "
                + "reconstructor %.2f ms, render %.2f ms, scheduler %.2f ms, other %.2f ms, total %.2f ms%n", size,
                steps, sum.denoiserNanos() / k, sum.reconstructorNanos() / k, sum.renderNanos() / k,
                sum.schedulerNanos() / k, sum.otherNanos() / k, sum.totalNanos() / k);
    }

    /** @return one whole sampling */
    @Benchmark
    public SampleResult sample() {
        return sampler.sample(SampleRequest.of(Condition.none(), seed++), p -> {
            sum = sum.plus(p.timings());
            steps++;
        }, null);
    }
}
