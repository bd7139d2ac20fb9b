package io.github.gen3d.diffusion;

import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewFit;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Gen-3Diffusion sampler (Xue et al. 2024, "Gen-3Diffusion: Realistic Image-to-3D Generation via 2D &amp; 3D
 * Diffusion Synergy", Algorithm 2): DDIM sampling of a multi-view 2D diffusion model whose trajectory is refined, at
 * every step, by a 3D-Gaussian reconstructor.
 *
 * <p>Each step at timestep t, for a sample x_t of V views (the first K of which are the target views with cameras):
 * <ol>
 * <li>2D: the denoiser's output with classifier-free guidance, {@code u + s(c − u)}, gives x0_2d;</li>
 * <li>3D: the reconstructor turns (x_t, t, x0_2d, condition) of the target views into Gaussians;</li>
 * <li>render: the Gaussians rendered at the K target cameras give x0_3d, a 3D-consistent estimate;</li>
 * <li>refine (Eq. 10): the DDIM update is computed with x̂0 = x0_3d for the target views and the ε it implies,
 * {@code ε̂ = (x_t − √ᾱ_t x̂0) / √(1−ᾱ_t)}, i.e. {@code x_{t'} = √ᾱ_{t'} x̂0 + √(1−ᾱ_{t'}−σ²) ε̂ + σz}; the other
 * views keep the 2D prediction. With a {@link SamplerSettings.Refinement} other than {@code FULL}, x̂0 is the blend
 * {@code w(t)·x0_3d + (1 − w(t))·x0_2d} instead.</li>
 * </ol>
 * After the last step the denoiser and reconstructor run once more on the final sample (at the last timestep, as the
 * authors' code does) and those Gaussians are the result. {@link SamplerSettings.Mode} switches to the paper's
 * ablations. See {@code docs/sampler.md}.
 *
 * <p>Usage:
 * <pre>{@code
 * SynergySampler sampler = new SynergySampler(denoiser, reconstructor, null, SamplerSettings.defaults()
 *         .withScheduler(SchedulerConfig.stableDiffusion()));
 * SampleResult r = sampler.sample(SampleRequest.of(Condition.image(img, 3, 256, 256), 42),
 *         p -> System.out.println(p.step() + "/" + p.totalSteps()), job::isCancelled);
 * GaussianCloud cloud = r.gaussians();
 * }</pre>
 *
 * <p>Determinism: the noise comes from {@link NoiseSource} seeded with the request's seed (initial noise first, then
 * the η noise of each step), the arithmetic is sequential, and the default renderer's result does not depend on its
 * thread count, so the same seed, settings and (deterministic) models give a bit-identical result; a batch gives each
 * request the same result as sampling it alone.
 *
 * <p>Cancellation: the {@code cancelled} supplier and the thread's interrupt flag are checked before every step and
 * after each model call inside it, so a cancel takes effect within one step, as a {@link CancellationException} (the
 * interrupt flag is left set).
 *
 * <p>Instances are immutable; one sampling runs on the calling thread, and the models are called from it only. Run
 * at most one sampling at a time per instance unless the models are thread-safe.
 */
public final class SynergySampler {
    private static final Logger LOG = Logger.getLogger(SynergySampler.class.getName());

    private final MultiViewDenoiser denoiser;
    private final GaussianReconstructor reconstructor;
    private final ViewRenderer renderer;
    private final SamplerSettings settings;
    private final DdimScheduler ddim;
    private final SamplerSettings.Refinement refinement;
    private final PredictionType predictionType;
    private final List<PinholeCamera> cameras;
    private final int views;
    private final int channels;
    private final int height;
    private final int width;
    private final int viewLen;
    private final int sampleLen;
    private final int targetLen;

    /**
     * @param denoiser the 2D multi-view model (not null; its prediction type overrides the scheduler configuration's)
     * @param reconstructor the 3D-Gaussian reconstructor (not null)
     * @param renderer renders Gaussians into view space (null → {@link RasterViewRenderer#whiteBackground()})
     * @param settings the settings (not null)
     * @throws IllegalArgumentException if the denoiser's shape is invalid or too large, there are more cameras than
     *     views, a camera's size differs from the views', or {@link SamplerSettings.Mode#NO_2D_PRIOR} has fewer
     *     cameras than views
     */
    public SynergySampler(MultiViewDenoiser denoiser, GaussianReconstructor reconstructor, ViewRenderer renderer,
            SamplerSettings settings) {
        if (denoiser == null || reconstructor == null || settings == null) {
            throw new IllegalArgumentException("denoiser, reconstructor and settings must not be null");
        }
        this.denoiser = denoiser;
        this.reconstructor = reconstructor;
        this.renderer = renderer == null ? RasterViewRenderer.whiteBackground() : renderer;
        this.settings = settings;
        this.predictionType = denoiser.predictionType();
        if (predictionType == null) {
            throw new IllegalArgumentException("denoiser has no prediction type");
        }
        views = denoiser.viewCount();
        channels = denoiser.channels();
        height = denoiser.height();
        width = denoiser.width();
        if (views < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("denoiser shape must be positive, got " + shape());
        }
        long len = (long) views * channels * height * width;
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sample too large: " + shape());
        }
        viewLen = channels * height * width;
        sampleLen = (int) len;
        cameras = settings.targetCameras() != null ? settings.targetCameras() : ViewRig.targetViews(width, height);
        if (cameras.size() > views) {
            throw new IllegalArgumentException(cameras.size() + " target cameras but the denoiser has only " + views
                    + " views");
        }
        for (int k = 0; k < cameras.size(); k++) {
            PinholeCamera c = cameras.get(k);
            if (c.width() != width || c.height() != height) {
                throw new IllegalArgumentException("target camera " + k + " is " + c.width() + "x" + c.height()
                        + ", the views are " + width + "x" + height);
            }
        }
        if (settings.mode() == SamplerSettings.Mode.NO_2D_PRIOR && cameras.size() != views) {
            throw new IllegalArgumentException("the no-2D-prior ablation needs a camera for every view: "
                    + cameras.size() + " cameras, " + views + " views");
        }
        targetLen = cameras.size() * viewLen;
        ddim = new DdimScheduler(settings.scheduler().withPredictionType(predictionType), settings.steps());
        refinement = settings.refinement() != null ? settings.refinement() : SamplerSettings.Refinement.FULL;
    }

    private String shape() {
        return views + "x" + channels + "x" + height + "x" + width;
    }

    /** @return the settings */
    public SamplerSettings settings() {
        return settings;
    }

    /** @return the DDIM scheduler in use (the settings' configuration with the denoiser's prediction type) */
    public DdimScheduler scheduler() {
        return ddim;
    }

    /** @return the target cameras (unmodifiable) */
    public List<PinholeCamera> targetCameras() {
        return cameras;
    }

    /**
     * Samples one object.
     *
     * @param request the request (not null)
     * @param listener progress receiver (null for none)
     * @param cancelled polled between steps and model calls (null: only the interrupt flag cancels)
     * @return the result
     * @throws CancellationException when cancelled
     * @throws IllegalStateException when a model returns null, an array of the wrong length, or non-finite values
     */
    public SampleResult sample(SampleRequest request, SamplerListener listener, BooleanSupplier cancelled) {
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        return sampleBatch(List.of(request), listener, cancelled).get(0);
    }

    /**
     * Samples several objects in lockstep: one {@link MultiViewDenoiser#predictBatch} call per step carries both
     * guidance branches of every request; reconstruction and rendering run per request. Each result equals what
     * {@link #sample} gives for that request alone.
     *
     * @param requests the requests (not null, not empty, no null element; unaffected)
     * @param listener progress receiver, called per request after each step (null for none)
     * @param cancelled polled between steps and model calls (null: only the interrupt flag cancels)
     * @return one result per request, in order
     * @throws CancellationException when cancelled
     * @throws IllegalStateException when a model misbehaves (see {@link #sample})
     */
    public List<SampleResult> sampleBatch(List<SampleRequest> requests, SamplerListener listener,
            BooleanSupplier cancelled) {
        if (requests == null || requests.isEmpty()) {
            throw new IllegalArgumentException("need at least one request");
        }
        for (SampleRequest r : requests) {
            if (r == null) {
                throw new IllegalArgumentException("null request in the batch");
            }
        }
        SamplerSettings.Mode mode = settings.mode();
        int[] ts = ddim.timesteps();
        int n = ts.length;
        List<State> states = new ArrayList<>(requests.size());
        for (SampleRequest r : requests) {
            states.add(new State(r, sampleLen, targetLen));
        }
        long begin = System.nanoTime();
        for (int i = 0; i < n; i++) {
            checkCancelled(cancelled, i, n);
            int t = ts[i];
            Clock clock = new Clock();
            float[][] outputs = mode == SamplerSettings.Mode.NO_2D_PRIOR ? null : guidedOutputs(states, t, clock, i);
            checkCancelled(cancelled, i, n);
            float[][] twoD = new float[states.size()][];
            float[][] threeD = new float[states.size()][];
            for (int r = 0; r < states.size(); r++) {
                State s = states.get(r);
                float[] modelX0 = null;
                if (outputs != null) {
                    long a = System.nanoTime();
                    modelX0 = ddim.schedule().predictedX0(predictionType, outputs[r], t, s.x);
                    twoD[r] = clipped(modelX0);
                    clock.scheduler += System.nanoTime() - a;
                }
                if (mode != SamplerSettings.Mode.TWO_D_ONLY) {
                    float[] x0In = mode == SamplerSettings.Mode.SYNERGY ? targets(twoD[r]) : s.lastThreeD;
                    threeD[r] = reconstructAndRender(s, t, x0In, clock, "step " + (i + 1));
                    s.lastThreeD = threeD[r];
                    checkCancelled(cancelled, i, n);
                }
                long a = System.nanoTime();
                float[] noise = settings.eta() > 0 ? s.noise.gaussian(sampleLen) : null;
                SchedulerStep st;
                if (mode == SamplerSettings.Mode.TWO_D_ONLY) {
                    st = ddim.step(predictionType, outputs[r], t, s.x, settings.eta(), noise);
                } else {
                    float[] x0Hat = mode == SamplerSettings.Mode.SYNERGY ? modelX0.clone() : new float[sampleLen];
                    double w = mode == SamplerSettings.Mode.SYNERGY ? refinement.weight(t, ddim.config().numTrainTimesteps()) : 1;
                    if (w == 1) {
                        System.arraycopy(threeD[r], 0, x0Hat, 0, targetLen);
                    } else {
                        blend(threeD[r], twoD[r], w, x0Hat, targetLen);
                    }
                    st = ddim.step(PredictionType.SAMPLE, x0Hat, t, s.x, settings.eta(), noise);
                }
                s.x = st.prevSample();
                clock.scheduler += System.nanoTime() - a;
            }
            StepTimings timings = clock.timings();
            for (int r = 0; r < states.size(); r++) {
                State s = states.get(r);
                s.total = s.total.plus(timings);
                if (listener != null) {
                    // without the 2D prior the render is also next step's reconstructor input: hand out a copy
                    float[] shown = mode == SamplerSettings.Mode.NO_2D_PRIOR ? threeD[r].clone() : threeD[r];
                    listener.onStep(new StepProgress(r, i, n, t, twoD[r], shown, channels, height, width, timings));
                }
            }
        }
        checkCancelled(cancelled, n, n);
        // final reconstruction from the finished sample, at the last timestep (as the authors' code does)
        int tLast = ts[n - 1];
        Clock clock = new Clock();
        float[][] outputs = mode == SamplerSettings.Mode.NO_2D_PRIOR ? null : guidedOutputs(states, tLast, clock, n);
        List<SampleResult> results = new ArrayList<>(states.size());
        float[][] renders = new float[states.size()][];
        List<GaussianCloud> clouds = new ArrayList<>(states.size());
        for (int r = 0; r < states.size(); r++) {
            State s = states.get(r);
            checkCancelled(cancelled, n, n);
            float[] x0In = s.lastThreeD;
            if (outputs != null) {
                long a = System.nanoTime();
                x0In = targets(clipped(ddim.schedule().predictedX0(predictionType, outputs[r], tLast, s.x)));
                clock.scheduler += System.nanoTime() - a;
            }
            long a = System.nanoTime();
            GaussianCloud cloud = reconstructor.reconstruct(targets(s.x), tLast, x0In, s.request.condition());
            clock.reconstructor += System.nanoTime() - a;
            if (cloud == null) {
                throw new IllegalStateException("reconstructor returned null (final reconstruction)");
            }
            Condition cond = s.request.condition();
            if (settings.inputFit() != null && cond.hasImage() && cond.channels() == 3 && channels == 3
                    && cloud.shDegree() == 0 && cond.height() == height && cond.width() == width) {
                // the renderer's time: the fit is renders and their gradients
                a = System.nanoTime();
                cloud = ViewFit.fitToInput(cloud, cond.image(), cameras, settings.inputFit()).cloud();
                clock.render += System.nanoTime() - a;
            }
            clouds.add(cloud);
            a = System.nanoTime();
            renders[r] = checked(renderer.render(cloud, cameras, channels), targetLen, "renderer", "final");
            clock.render += System.nanoTime() - a;
        }
        StepTimings last = clock.timings();
        for (int r = 0; r < states.size(); r++) {
            State s = states.get(r);
            results.add(new SampleResult(clouds.get(r), s.x, renders[r], channels, height, width, s.request.seed(),
                    s.total.plus(last)));
        }
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(String.format(java.util.Locale.ROOT, "%d request(s), %d steps, %s: %.1f ms; per request %s",
                    states.size(), n, mode, (System.nanoTime() - begin) / 1e6, results.get(0).timings()));
        }
        return results;
    }

    /** Reconstructs the target views of one request and renders the Gaussians (timed into {@code clock}). */
    private float[] reconstructAndRender(State s, int t, float[] x0In, Clock clock, String where) {
        long a = System.nanoTime();
        GaussianCloud cloud = reconstructor.reconstruct(targets(s.x), t, x0In, s.request.condition());
        clock.reconstructor += System.nanoTime() - a;
        if (cloud == null) {
            throw new IllegalStateException("reconstructor returned null at " + where);
        }
        a = System.nanoTime();
        float[] out = checked(renderer.render(cloud, cameras, channels), targetLen, "renderer", where);
        clock.render += System.nanoTime() - a;
        return out;
    }

    /** The guided model output of every request at timestep t: one batch call with both branches per request. */
    private float[][] guidedOutputs(List<State> states, int t, Clock clock, int step) {
        float scale = settings.guidanceScale();
        boolean guided = scale != 1f;
        List<DenoiserCall> calls = new ArrayList<>(states.size() * (guided ? 2 : 1));
        for (State s : states) {
            if (guided) {
                Condition u = s.request.unconditional();
                calls.add(u != null ? new DenoiserCall(s.x, t, u, false)
                        : new DenoiserCall(s.x, t, s.request.condition(), true));
            }
            calls.add(new DenoiserCall(s.x, t, s.request.condition(), false));
        }
        long a = System.nanoTime();
        List<float[]> outs = denoiser.predictBatch(calls);
        clock.denoiser += System.nanoTime() - a;
        String where = step < settings.steps() ? "step " + (step + 1) : "final";
        if (outs == null || outs.size() != calls.size()) {
            throw new IllegalStateException("denoiser returned " + (outs == null ? "null" : outs.size() + " outputs")
                    + " for " + calls.size() + " inputs at " + where);
        }
        a = System.nanoTime();
        float[][] result = new float[states.size()][];
        for (int r = 0; r < states.size(); r++) {
            if (guided) {
                float[] u = checked(outs.get(2 * r), sampleLen, "denoiser", where);
                float[] c = checked(outs.get(2 * r + 1), sampleLen, "denoiser", where);
                result[r] = Guidance.apply(u, c, scale);
            } else {
                result[r] = checked(outs.get(r), sampleLen, "denoiser", where);
            }
        }
        clock.scheduler += System.nanoTime() - a;
        return result;
    }

    /** {@code out[i] = w·threeD[i] + (1 − w)·twoD[i]} for i &lt; n (the refined x0 of the target views). */
    static void blend(float[] threeD, float[] twoD, double w, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) (w * threeD[i] + (1 - w) * twoD[i]);
        }
    }

    private float[] clipped(float[] x0) {
        SchedulerConfig c = ddim.config();
        if (!c.clipSample()) {
            return x0;
        }
        float[] out = new float[x0.length];
        float lim = (float) c.clipSampleRange();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-lim, Math.min(lim, x0[i]));
        }
        return out;
    }

    /** The target views' part of a sample-sized array (the array itself when all views are targets). */
    private float[] targets(float[] all) {
        if (targetLen == all.length) {
            return all;
        }
        float[] out = new float[targetLen];
        System.arraycopy(all, 0, out, 0, targetLen);
        return out;
    }

    private static float[] checked(float[] a, int len, String who, String where) {
        if (a == null) {
            throw new IllegalStateException(who + " returned null at " + where);
        }
        if (a.length != len) {
            throw new IllegalStateException(who + " returned " + a.length + " floats at " + where + ", expected "
                    + len);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalStateException(who + " returned a non-finite value (" + a[i] + ") at index " + i
                        + " at " + where);
            }
        }
        return a;
    }

    private static void checkCancelled(BooleanSupplier cancelled, int step, int total) {
        if (Thread.currentThread().isInterrupted() || (cancelled != null && cancelled.getAsBoolean())) {
            throw new CancellationException(step < total ? "sampling cancelled at step " + (step + 1) + " of " + total
                    : "sampling cancelled before the final reconstruction");
        }
    }

    @Override
    public String toString() {
        return "SynergySampler[" + shape() + ", " + cameras.size() + " targets, " + settings.mode() + ", "
                + settings.steps() + " steps, guidance " + settings.guidanceScale() + ", eta " + settings.eta()
                + (settings.mode() == SamplerSettings.Mode.SYNERGY ? ", refinement " + refinement.atNoise() + "→"
                        + refinement.atClean() : "") + "]";
    }

    /** One request's evolving state. */
    private static final class State {
        final SampleRequest request;
        final NoiseSource noise;
        float[] x;
        float[] lastThreeD;
        StepTimings total = StepTimings.ZERO;

        State(SampleRequest request, int sampleLen, int targetLen) {
            this.request = request;
            this.noise = new NoiseSource(request.seed());
            this.x = noise.gaussian(sampleLen);
            this.lastThreeD = new float[targetLen];
        }
    }

    /** Time accumulators for one step. */
    private static final class Clock {
        final long start = System.nanoTime();
        long denoiser;
        long reconstructor;
        long render;
        long scheduler;

        StepTimings timings() {
            return new StepTimings(denoiser, reconstructor, render, scheduler, System.nanoTime() - start);
        }
    }
}
