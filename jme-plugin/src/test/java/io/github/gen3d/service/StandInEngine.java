package io.github.gen3d.service;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.GaussianReconstructor;
import io.github.gen3d.diffusion.MultiViewDenoiser;
import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.RasterViewRenderer;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.splat.GaussianCloud;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Analytic stand-in models (no weights): a denoiser that answers x0 = the condition picture in every view, a
 * reconstructor that puts a ball of Gaussians coloured by the mean of its x0 estimate, and a front end that draws a
 * disc whose colour comes from the label and the seed. Runs through the real {@link SynergySampler} and CPU
 * renderer, so the whole pipeline is exercised in milliseconds.
 */
final class StandInEngine implements Engine {
    static final int RES = 16;
    static final int VIEWS = 4;
    static final List<String> CATEGORIES = List.of("crate", "barrel", "mushroom");

    final AtomicInteger samplers = new AtomicInteger();
    final AtomicInteger denoiserCalls = new AtomicInteger();
    final AtomicInteger draws = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    /** Sleeps this long in each denoiser call (so jobs last long enough to be cancelled while running). */
    volatile long callDelayMillis;
    /** When set, every denoiser call waits until it is counted down (blocks the worker on purpose). */
    volatile CountDownLatch gate;
    /** What {@link #fingerprint()} reports (the bundle content a real engine would hash). */
    volatile String fingerprint = "stand-in-1";
    /** What {@link #guidance()} recommends. */
    static final float GUIDANCE = 2.5f;
    /** The guidance scale of the last sampler made, NaN before the first. */
    volatile float lastGuidance = Float.NaN;

    @Override
    public String name() {
        return "stand-in";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String device() {
        return "cpu";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public int resolution() {
        return RES;
    }

    @Override
    public float guidance() {
        return GUIDANCE;
    }

    @Override
    public List<String> categories() {
        return CATEGORIES;
    }

    @Override
    public SynergySampler sampler(SamplerSettings settings) {
        samplers.incrementAndGet();
        lastGuidance = settings.guidanceScale();
        return new SynergySampler(new Denoiser(), new Ball(), new RasterViewRenderer(com.jme3.math.ColorRGBA.White,
                RenderOptions.defaults().withThreads(1)), settings);
    }

    @Override
    public float[] drawInput(int label, long seed, int steps, float guidance) {
        draws.incrementAndGet();
        float[] chw = new float[3 * RES * RES];
        float[] c = {(label % 3) / 2f * 1.6f - 0.8f, (Math.floorMod(seed, 5)) / 4f * 1.6f - 0.8f, 0.2f};
        for (int y = 0; y < RES; y++) {
            for (int x = 0; x < RES; x++) {
                double dx = x - RES / 2.0 + 0.5;
                double dy = y - RES / 2.0 + 0.5;
                boolean in = dx * dx + dy * dy < RES * RES / 9.0;
                for (int ch = 0; ch < 3; ch++) {
                    chw[ch * RES * RES + y * RES + x] = in ? c[ch] : 1f;
                }
            }
        }
        return chw;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private final class Denoiser implements MultiViewDenoiser {
        @Override
        public PredictionType predictionType() {
            return PredictionType.SAMPLE;
        }

        @Override
        public int viewCount() {
            return VIEWS;
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public int height() {
            return RES;
        }

        @Override
        public int width() {
            return RES;
        }

        @Override
        public float[] predict(DenoiserCall call) {
            denoiserCalls.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long d = callDelayMillis;
            if (d > 0) {
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            float[] out = new float[VIEWS * 3 * RES * RES];
            Condition c = call.condition();
            if (c != null && c.hasImage() && !call.unconditional()) {
                for (int v = 0; v < VIEWS; v++) {
                    System.arraycopy(c.image(), 0, out, v * c.image().length, c.image().length);
                }
            }
            return out;
        }
    }

    private static final class Ball implements GaussianReconstructor {
        @Override
        public GaussianCloud reconstruct(float[] noisyViews, int timestep, float[] x0, Condition condition) {
            double[] mean = new double[3];
            int plane = RES * RES;
            for (int v = 0; v < VIEWS; v++) {
                for (int ch = 0; ch < 3; ch++) {
                    for (int p = 0; p < plane; p++) {
                        mean[ch] += x0[(v * 3 + ch) * plane + p];
                    }
                }
            }
            int n = 200;
            GaussianCloud cloud = new GaussianCloud(n, 0);
            for (int i = 0; i < n; i++) {
                // a Fibonacci sphere of radius 0.3
                double yy = 1 - 2 * (i + 0.5) / n;
                double r = Math.sqrt(1 - yy * yy);
                double phi = i * 2.399963229728653;
                cloud.set(i, new float[] {(float) (0.3 * r * Math.cos(phi)), (float) (0.3 * yy),
                        (float) (0.3 * r * Math.sin(phi))}, new float[] {0.06f, 0.06f, 0.06f},
                        new float[] {1, 0, 0, 0}, 0.9f);
                cloud.setColour(i, col(mean[0] / (VIEWS * plane)), col(mean[1] / (VIEWS * plane)),
                        col(mean[2] / (VIEWS * plane)));
            }
            return cloud;
        }

        private static float col(double v) {
            return (float) Math.max(0, Math.min(1, (v + 1) / 2));
        }
    }
}
