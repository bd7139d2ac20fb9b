package io.github.gen3d.diffusion;

import java.util.Arrays;

/**
 * The forward-process noise schedule: β, α = 1 − β and ᾱ (their running product) for every training timestep, and
 * the conversions between x_t, x0, ε and v that every scheduler shares.
 *
 * <p>Values are computed in double precision from the formulas diffusers uses (numpy's {@code linspace}
 * arithmetic, {@code start + i·step}, last value exactly {@code end}). diffusers itself keeps β and ᾱ in float32,
 * so its ᾱ differs from these by float32 rounding (relative differences of order 1e-6 after 1000 products).
 *
 * <p>Immutable and thread-safe. Array arguments are never modified; results are new arrays.
 */
public final class NoiseSchedule {
    /** The cap on β in the cosine schedule (diffusers' {@code max_beta}). */
    public static final double COSINE_MAX_BETA = 0.999;

    private final double[] betas;
    private final double[] alphasCumprod;

    private NoiseSchedule(double[] betas) {
        this.betas = betas;
        this.alphasCumprod = new double[betas.length];
        double run = 1;
        for (int i = 0; i < betas.length; i++) {
            run *= 1 - betas[i];
            alphasCumprod[i] = run;
        }
    }

    /**
     * The schedule a configuration describes.
     *
     * @param config the configuration (not null)
     * @return a new schedule with {@code config.numTrainTimesteps()} entries
     */
    public static NoiseSchedule of(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        double[] b;
        switch (config.betaSchedule()) {
            case LINEAR:
                b = linspace(config.betaStart(), config.betaEnd(), n);
                break;
            case SCALED_LINEAR:
                b = linspace(Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    b[i] = b[i] * b[i];
                }
                break;
            case SQUAREDCOS_CAP_V2:
                b = new double[n];
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n, t2 = (double) (i + 1) / n;
                    b[i] = Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), COSINE_MAX_BETA);
                }
                break;
            default:
                throw new IllegalArgumentException("unknown beta schedule " + config.betaSchedule());
        }
        return new NoiseSchedule(b);
    }

    /**
     * A schedule from explicit betas (diffusers' {@code trained_betas}).
     *
     * @param betas one β per training timestep, each in (0, 1) (not null, unaffected; 1..100000 entries)
     * @return a new schedule
     * @throws IllegalArgumentException if a β is outside (0, 1) or the length is out of range
     */
    public static NoiseSchedule fromBetas(double[] betas) {
        if (betas == null || betas.length < 1 || betas.length > SchedulerConfig.MAX_TRAIN_TIMESTEPS) {
            throw new IllegalArgumentException("need 1.." + SchedulerConfig.MAX_TRAIN_TIMESTEPS + " betas");
        }
        for (int i = 0; i < betas.length; i++) {
            if (!(betas[i] > 0 && betas[i] < 1)) {
                throw new IllegalArgumentException("beta[" + i + "] = " + betas[i] + " is not in (0, 1)");
            }
        }
        return new NoiseSchedule(betas.clone());
    }

    /** {@code cos²((u + 0.008)/1.008 · π/2)}, the GLIDE cosine ᾱ(u), u in [0, 1]. */
    static double cosineAlphaBar(double u) {
        double c = StrictMath.cos((u + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** numpy's {@code linspace(start, end, n)}: {@code i·step + start}, the last value exactly {@code end}. */
    static double[] linspace(double start, double end, int n) {
        double[] out = new double[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        double step = (end - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = i * step + start;
        }
        out[n - 1] = end;
        return out;
    }

    /** @return the number of training timesteps T */
    public int size() {
        return betas.length;
    }

    /**
     * @param t timestep, 0..T−1
     * @return β_t
     */
    public double beta(int t) {
        return betas[check(t)];
    }

    /**
     * @param t timestep, 0..T−1
     * @return ᾱ_t = ∏_{i ≤ t} (1 − β_i)
     */
    public double alphaCumprod(int t) {
        return alphasCumprod[check(t)];
    }

    /** @return a copy of all β */
    public double[] betas() {
        return betas.clone();
    }

    /** @return a copy of all ᾱ */
    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    private int check(int t) {
        if (t < 0 || t >= betas.length) {
            throw new IllegalArgumentException("timestep " + t + " outside 0.." + (betas.length - 1));
        }
        return t;
    }

    /**
     * The forward process (diffusers' {@code add_noise}): {@code √ᾱ_t·x0 + √(1−ᾱ_t)·noise}.
     *
     * @param x0 clean sample (not null, unaffected)
     * @param noise standard normal noise of the same length (not null, unaffected)
     * @param t timestep, 0..T−1
     * @return a new array
     */
    public float[] addNoise(float[] x0, float[] noise, int t) {
        sameLength(x0, noise, "x0", "noise");
        double a = Math.sqrt(alphaCumprod(t)), s = Math.sqrt(1 - alphaCumprod(t));
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (a * x0[i] + s * noise[i]);
        }
        return out;
    }

    /**
     * The v-prediction target (diffusers' {@code get_velocity}): {@code √ᾱ_t·noise − √(1−ᾱ_t)·x0}.
     *
     * @param x0 clean sample (not null, unaffected)
     * @param noise the noise (not null, unaffected)
     * @param t timestep, 0..T−1
     * @return a new array
     */
    public float[] velocity(float[] x0, float[] noise, int t) {
        sameLength(x0, noise, "x0", "noise");
        double a = Math.sqrt(alphaCumprod(t)), s = Math.sqrt(1 - alphaCumprod(t));
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (a * noise[i] - s * x0[i]);
        }
        return out;
    }

    /**
     * The x0 a model output implies (not clipped).
     *
     * @param type what the output is (not null)
     * @param modelOutput the model output (not null, unaffected)
     * @param t timestep, 0..T−1
     * @param sample x_t (not null, unaffected)
     * @return a new array
     */
    public float[] predictedX0(PredictionType type, float[] modelOutput, int t, float[] sample) {
        sameLength(modelOutput, sample, "modelOutput", "sample");
        double at = alphaCumprod(t), sa = Math.sqrt(at), sb = Math.sqrt(1 - at);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) x0(type, modelOutput[i], sample[i], sa, sb);
        }
        return out;
    }

    /**
     * The ε a model output implies.
     *
     * @param type what the output is (not null)
     * @param modelOutput the model output (not null, unaffected)
     * @param t timestep, 0..T−1
     * @param sample x_t (not null, unaffected)
     * @return a new array
     */
    public float[] predictedEpsilon(PredictionType type, float[] modelOutput, int t, float[] sample) {
        sameLength(modelOutput, sample, "modelOutput", "sample");
        double at = alphaCumprod(t), sa = Math.sqrt(at), sb = Math.sqrt(1 - at);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) eps(type, modelOutput[i], sample[i], sa, sb);
        }
        return out;
    }

    /** x0 from one output value; {@code sa = √ᾱ_t}, {@code sb = √(1−ᾱ_t)}. */
    static double x0(PredictionType type, double out, double x, double sa, double sb) {
        switch (type) {
            case EPSILON:
                return (x - sb * out) / sa;
            case V_PREDICTION:
                return sa * x - sb * out;
            case SAMPLE:
                return out;
            default:
                throw new IllegalArgumentException("unknown prediction type " + type);
        }
    }

    /** ε from one output value; {@code sa = √ᾱ_t}, {@code sb = √(1−ᾱ_t)}. */
    static double eps(PredictionType type, double out, double x, double sa, double sb) {
        switch (type) {
            case EPSILON:
                return out;
            case V_PREDICTION:
                return sa * out + sb * x;
            case SAMPLE:
                return (x - sa * out) / sb;
            default:
                throw new IllegalArgumentException("unknown prediction type " + type);
        }
    }

    static void sameLength(float[] a, float[] b, String an, String bn) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(an + " and " + bn + " must not be null");
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException(an + " has " + a.length + " values but " + bn + " has " + b.length);
        }
    }

    @Override
    public String toString() {
        return "NoiseSchedule[T=" + betas.length + ", beta0=" + betas[0] + ", betaLast=" + betas[betas.length - 1]
                + ", alphaBarLast=" + alphasCumprod[alphasCumprod.length - 1] + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseSchedule && Arrays.equals(betas, ((NoiseSchedule) o).betas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(betas);
    }
}
