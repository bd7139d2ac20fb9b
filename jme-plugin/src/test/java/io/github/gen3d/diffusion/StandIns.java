package io.github.gen3d.diffusion;

import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.splat.GaussianCloud;
import java.util.ArrayList;
import java.util.List;

/** Analytic stand-ins for the sampler's models: no trained weights, exact answers. */
final class StandIns {
    private StandIns() {
    }

    /**
     * A small object that looks the same from azimuth 0, 90, 180 and 270: isotropic degree-0 splats placed with
     * four-fold symmetry about +Y (a red core, four blue satellites on ±X and ±Z, a green cap on +Y).
     */
    static GaussianCloud symmetricCloud() {
        GaussianCloud c = new GaussianCloud(6, 0);
        float[] id = {1, 0, 0, 0};
        c.set(0, new float[] {0, 0, 0}, new float[] {0.22f, 0.22f, 0.22f}, id, 0.95f);
        c.setColour(0, 0.85f, 0.25f, 0.2f);
        float[][] sat = {{0.35f, 0, 0}, {-0.35f, 0, 0}, {0, 0, 0.35f}, {0, 0, -0.35f}};
        for (int i = 0; i < 4; i++) {
            c.set(1 + i, sat[i], new float[] {0.1f, 0.1f, 0.1f}, id, 0.9f);
            c.setColour(1 + i, 0.15f, 0.45f, 0.9f);
        }
        c.set(5, new float[] {0, 0.33f, 0}, new float[] {0.12f, 0.08f, 0.12f}, id, 0.8f);
        c.setColour(5, 0.2f, 0.8f, 0.3f);
        return c;
    }

    /**
     * @param a values
     * @param b as many values
     * @return the mean squared difference
     */
    static double mse(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum / a.length;
    }

    /** One thread, so that timings are not fighting over the shared cores. */
    static RasterViewRenderer renderer() {
        return new RasterViewRenderer(com.jme3.math.ColorRGBA.White, RenderOptions.defaults().withThreads(1));
    }

    /**
     * A denoiser that knows the clean sample x0 and answers with the exact ε, v or x0 for the x_t it is given,
     * optionally adding a per-view bias and per-call jitter to the x0 it implies (an "inconsistent" 2D model).
     */
    static class Oracle implements MultiViewDenoiser {
        final float[] x0;
        final PredictionType type;
        final NoiseSchedule schedule;
        final int v;
        final int c;
        final int h;
        final int w;
        float[][] viewBias;
        float jitter;
        /** Mixes this much of x_t into the implied x0, so that the answers depend on the noise. */
        float leak;
        long jitterSeed = 1234;
        boolean garbageWhenUnconditional;
        boolean batching;
        Runnable onCall;
        int calls;
        int unconditionalCalls;
        int batchCalls;
        final List<DenoiserCall> seen = new ArrayList<>();

        Oracle(float[] x0, PredictionType type, SchedulerConfig config, int v, int c, int h, int w) {
            this.x0 = x0;
            this.type = type;
            this.schedule = NoiseSchedule.of(config);
            this.v = v;
            this.c = c;
            this.h = h;
            this.w = w;
        }

        @Override
        public PredictionType predictionType() {
            return type;
        }

        @Override
        public int viewCount() {
            return v;
        }

        @Override
        public int channels() {
            return c;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public float[] predict(DenoiserCall call) {
            calls++;
            seen.add(call);
            if (call.unconditional()) {
                unconditionalCalls++;
            }
            if (onCall != null) {
                onCall.run();
            }
            float[] x = call.noisyViews();
            if (garbageWhenUnconditional && call.unconditional()) {
                float[] g = new float[x.length];
                java.util.Arrays.fill(g, 7f);
                return g;
            }
            float[] target = x0.clone();
            int viewLen = c * h * w;
            if (viewBias != null) {
                for (int k = 0; k < viewBias.length; k++) {
                    for (int i = 0; i < viewLen; i++) {
                        target[k * viewLen + i] += viewBias[k][i];
                    }
                }
            }
            if (leak != 0) {
                for (int i = 0; i < target.length; i++) {
                    target[i] += leak * x[i];
                }
            }
            if (jitter != 0) {
                NoiseSource n = new NoiseSource(jitterSeed + 31L * calls);
                for (int i = 0; i < target.length; i++) {
                    target[i] += jitter * (float) n.nextGaussian();
                }
            }
            double a = schedule.alphaCumprod(call.timestep());
            double sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
            float[] out = new float[x.length];
            for (int i = 0; i < out.length; i++) {
                double eps = (x[i] - sa * target[i]) / sb;
                double value;
                switch (type) {
                    case EPSILON:
                        value = eps;
                        break;
                    case V_PREDICTION:
                        value = sa * eps - sb * target[i];
                        break;
                    default:
                        value = target[i];
                        break;
                }
                out[i] = (float) value;
            }
            return out;
        }

        @Override
        public List<float[]> predictBatch(List<DenoiserCall> calls) {
            batchCalls++;
            if (!batching) {
                return MultiViewDenoiser.super.predictBatch(calls);
            }
            // a "batching backend": same answers, produced in reverse order and reassembled
            float[][] out = new float[calls.size()][];
            for (int i = calls.size() - 1; i >= 0; i--) {
                out[i] = predict(calls.get(i));
            }
            return List.of(out);
        }
    }

    /** A reconstructor that always returns the same cloud and remembers its inputs. */
    static final class FixedReconstructor implements GaussianReconstructor {
        final GaussianCloud cloud;
        int calls;
        final List<float[]> x0Inputs = new ArrayList<>();
        final List<Integer> timesteps = new ArrayList<>();
        Runnable onCall;

        FixedReconstructor(GaussianCloud cloud) {
            this.cloud = cloud;
        }

        @Override
        public GaussianCloud reconstruct(float[] noisyViews, int timestep, float[] x0Estimate, Condition condition) {
            calls++;
            x0Inputs.add(x0Estimate.clone());
            timesteps.add(timestep);
            if (onCall != null) {
                onCall.run();
            }
            return cloud;
        }
    }

    /**
     * A reconstructor whose output depends on its inputs: the fixed cloud with every splat's colour shifted by half the
     * mean of the x0 estimate plus one noisy pixel value (state flowing through it, for determinism tests).
     */
    static final class ShiftingReconstructor implements GaussianReconstructor {
        final GaussianCloud base;

        ShiftingReconstructor(GaussianCloud base) {
            this.base = base;
        }

        @Override
        public GaussianCloud reconstruct(float[] noisyViews, int timestep, float[] x0Estimate, Condition condition) {
            double mean = 0;
            for (float f : x0Estimate) {
                mean += f;
            }
            mean /= x0Estimate.length;
            double shift = 0.5 * mean + noisyViews[noisyViews.length / 2];
            GaussianCloud c = base.copy();
            float[] sh = c.sh();
            for (int i = 0; i < sh.length; i++) {
                sh[i] += (float) shift;
            }
            return c;
        }
    }

    /** Counts calls to a renderer. */
    static final class CountingRenderer implements ViewRenderer {
        final ViewRenderer inner;
        int calls;

        CountingRenderer(ViewRenderer inner) {
            this.inner = inner;
        }

        @Override
        public float[] render(GaussianCloud cloud, List<PinholeCamera> cameras, int channels) {
            calls++;
            return inner.render(cloud, cameras, channels);
        }
    }

    /** Mean over channels and pixels of the variance across the first {@code views} views. */
    static double viewDisagreement(float[] all, int views, int viewLen) {
        double total = 0;
        for (int i = 0; i < viewLen; i++) {
            double s = 0, sq = 0;
            for (int k = 0; k < views; k++) {
                double v = all[k * viewLen + i];
                s += v;
                sq += v * v;
            }
            double mean = s / views;
            total += sq / views - mean * mean;
        }
        return total / viewLen;
    }
}
