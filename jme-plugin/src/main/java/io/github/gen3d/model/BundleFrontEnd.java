package io.github.gen3d.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.DdimScheduler;
import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.Guidance;
import io.github.gen3d.diffusion.MultiViewDenoiser;
import io.github.gen3d.diffusion.NoiseSource;
import io.github.gen3d.diffusion.SchedulerConfig;
import io.github.gen3d.diffusion.SchedulerStep;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bundle's class-conditioned front end: draws an input picture (a prop on white, RGB in [−1, 1]) for a category,
 * so that a game can ask for "a random barrel" without having a picture; the result conditions the image-to-3D
 * sampler as {@code Condition.image(picture, 3, r, r)}.
 *
 * <p>The component is a one-view denoiser ({@code docs/model-bundles.md}, "Class-conditioned front end"): inputs
 * {@code x [batch, 1, 3, res, res]}, {@code t [batch]} and a class label {@code [batch]} int32/int64 whose range is
 * {@code [−1, L−1]} (−1 means "no label"), its component metadata {@code {"labels": [L category names]}} naming the
 * labels in order. Sampling is deterministic DDIM (η = 0) with the component's {@code "scheduler"} (or diffusers'
 * {@code DDIMScheduler()} defaults with its prediction type) and classifier-free guidance between the label and the
 * null label −1; the picture is the last step's x0 prediction, clamped to [−1, 1].
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.load(Path.of("models/gen3d-default"))) {
 *     BundleFrontEnd front = BundleFrontEnd.of(bundle);
 *     float[] picture = front.draw(front.labelOf("barrel"), 42L, 50, 3f);
 *     BufferedImage preview = BundleFrontEnd.toImage(picture, front.resolution());
 * }
 * }</pre>
 *
 * <p>Calls are serialised by the component; the front end itself holds no mutable state. The bundle must stay open
 * while it is used.
 */
public final class BundleFrontEnd {
    private static final Logger LOG = Logger.getLogger(BundleFrontEnd.class.getName());
    /** The component name {@link #of(ModelBundle)} uses. */
    static final String DEFAULT_COMPONENT = "frontend";
    /** The metadata key holding the category names. */
    static final String LABELS_KEY = "labels";

    private final MultiViewDenoiser denoiser;
    private final SchedulerConfig scheduler;
    private final List<String> labels;
    private final String where;
    private final int resolution;
    private final int sampleLen;

    /**
     * @param denoiser a one-view RGB denoiser with square views (not null)
     * @param scheduler its training schedule, with its prediction type (not null)
     * @param labels the category names; label i is {@code labels.get(i)} (not null, not empty, copied)
     * @param where names the model for messages, e.g. "model bundle 'x', component 'y'" (not null)
     */
    BundleFrontEnd(MultiViewDenoiser denoiser, SchedulerConfig scheduler, List<String> labels, String where) {
        if (denoiser == null || scheduler == null || labels == null || labels.isEmpty() || where == null) {
            throw new IllegalArgumentException("denoiser, scheduler, labels and where must be given");
        }
        if (denoiser.viewCount() != 1 || denoiser.channels() != 3 || denoiser.height() != denoiser.width()) {
            throw new IllegalArgumentException(where + ": a front end draws one square RGB view, but the denoiser is "
                    + denoiser.viewCount() + "x" + denoiser.channels() + "x" + denoiser.height() + "x"
                    + denoiser.width());
        }
        this.denoiser = denoiser;
        this.scheduler = scheduler.withPredictionType(denoiser.predictionType());
        this.labels = Collections.unmodifiableList(new ArrayList<>(labels));
        this.where = where;
        this.resolution = denoiser.width();
        this.sampleLen = 3 * resolution * resolution;
    }

    /**
     * The bundle's component named {@code frontend}.
     *
     * @param bundle the loaded bundle (not null; must stay open while the front end is used)
     * @return the front end (not null)
     * @throws ModelBundleException as {@link #of(ModelBundle, String)}
     */
    public static BundleFrontEnd of(ModelBundle bundle) throws ModelBundleException {
        return of(bundle, DEFAULT_COMPONENT);
    }

    /**
     * A named component as a front end.
     *
     * @param bundle the loaded bundle (not null; must stay open while the front end is used)
     * @param component the component's name (not null)
     * @return the front end (not null)
     * @throws ModelBundleException naming the bundle and component if there is no such component, it is not a
     *     denoiser of one square RGB view, it takes an image or no class label, its label range is not
     *     {@code [−1, L−1]}, or its metadata has no {@code "labels"} array of L distinct names
     */
    public static BundleFrontEnd of(ModelBundle bundle, String component) throws ModelBundleException {
        if (bundle == null || component == null) {
            throw new IllegalArgumentException("bundle and component must not be null");
        }
        BundleDenoiser d = BundleDenoiser.of(bundle, component);
        ModelComponent c = d.component();
        String name = bundle.name();
        if (d.viewCount() != 1 || d.channels() != 3 || d.height() != d.width()) {
            throw new ModelBundleException(name, component, "a front end draws one square RGB view, but the"
                    + " denoiser's views are " + d.viewCount() + "x" + d.channels() + "x" + d.height() + "x"
                    + d.width());
        }
        if (d.takesImage() || !d.takesClassLabel()) {
            throw new ModelBundleException(name, component, "a front end takes a class label and no image; inputs: "
                    + c.inputs());
        }
        TensorSpec label = null;
        for (TensorSpec s : c.inputs().subList(2, c.inputs().size())) {
            if (s.rank() == 1) {
                label = s;
            }
        }
        List<String> names = labelNames(c.metadata(), name, component);
        if (label == null || label.min() != ContractMapping.NO_LABEL || label.max() != names.size() - 1) {
            throw new ModelBundleException(name, component, "the class-label input " + label + " must have range"
                    + " [-1, " + (names.size() - 1) + "]: -1 for no label and one label per name in metadata."
                    + LABELS_KEY + " " + names);
        }
        SchedulerConfig cfg = c.scheduler() != null ? c.scheduler()
                : SchedulerConfig.defaults().withPredictionType(d.predictionType());
        return new BundleFrontEnd(d, cfg, names, "model bundle '" + name + "', component '" + component + "'");
    }

    private static List<String> labelNames(JsonObject metadata, String bundle, String component)
            throws ModelBundleException {
        JsonElement e = metadata.get(LABELS_KEY);
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() == 0) {
            throw new ModelBundleException(bundle, component, "a front end's metadata needs \"" + LABELS_KEY
                    + "\": a non-empty array of category names, label 0 first" + (e == null ? " (missing)"
                    : ", got " + e));
        }
        JsonArray a = e.getAsJsonArray();
        List<String> names = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            JsonElement n = a.get(i);
            if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isString() || n.getAsString().isBlank()) {
                throw new ModelBundleException(bundle, component, "metadata." + LABELS_KEY + "[" + i + "] must be a"
                        + " non-blank string, got " + n);
            }
            String s = n.getAsString();
            for (String earlier : names) {
                if (earlier.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) {
                    throw new ModelBundleException(bundle, component, "metadata." + LABELS_KEY + " names \"" + s
                            + "\" twice (names are case-insensitive)");
                }
            }
            names.add(s);
        }
        return names;
    }

    /** @return the category names; label i is element i (not null, unmodifiable) */
    public List<String> labels() {
        return labels;
    }

    /**
     * Looks a category up by name, ignoring case.
     *
     * @param name the category's name, e.g. {@code "Barrel"} (not null)
     * @return its label, 0..{@code labels().size() − 1}
     * @throws IllegalArgumentException if the name is not a category, listing the known names
     */
    public int labelOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("the category name is null; known: " + labels);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException(where + ": unknown category \"" + name + "\"; known: " + labels);
    }

    /** @return the picture's width and height in pixels */
    public int resolution() {
        return resolution;
    }

    /** @return the noise schedule the front end samples with (not null) */
    public SchedulerConfig scheduler() {
        return scheduler;
    }

    /**
     * Draws one picture.
     *
     * @param label the category, 0..{@code labels().size() − 1}, or −1 for any category (unconditional; guidance
     *     then changes nothing)
     * @param seed the noise seed; equal arguments give equal pictures
     * @param steps DDIM steps, 1..the schedule's training timesteps (50 is a good default)
     * @param guidance the classifier-free guidance scale (finite; 1 is the conditional model alone and costs one
     *     network evaluation per step instead of two; 3 is a good default)
     * @return a new planar 3×R×R array (R = {@link #resolution()}), RGB in [−1, 1], row 0 at the top
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the network fails (cause: the {@link ModelBundleException})
     * @throws CancellationException if the thread is interrupted (checked before every step)
     */
    public float[] draw(int label, long seed, int steps, float guidance) {
        return drawBatch(new int[] {label}, new long[] {seed}, steps, guidance).get(0);
    }

    /**
     * Draws several pictures with one network call per step for all of them (both guidance branches included).
     * Each picture equals what {@link #draw} gives for its label and seed, up to the network's batching
     * round-off.
     *
     * @param labels one label per picture, as for {@link #draw} (not null, unaffected)
     * @param seeds one seed per picture (not null, unaffected; same length)
     * @param steps DDIM steps, 1..the schedule's training timesteps
     * @param guidance the classifier-free guidance scale (finite)
     * @return one new planar 3×R×R array per picture, in order (not null)
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if the network fails (cause: the {@link ModelBundleException})
     * @throws CancellationException if the thread is interrupted (checked before every step)
     */
    public List<float[]> drawBatch(int[] labels, long[] seeds, int steps, float guidance) {
        if (labels == null || seeds == null || labels.length != seeds.length || labels.length == 0) {
            throw new IllegalArgumentException("labels and seeds must be non-empty arrays of the same length");
        }
        for (int l : labels) {
            if (l < ContractMapping.NO_LABEL || l >= this.labels.size()) {
                throw new IllegalArgumentException(where + ": label " + l + " is outside -1.."
                        + (this.labels.size() - 1) + " (-1 = any category; " + this.labels + ")");
            }
        }
        if (!Float.isFinite(guidance)) {
            throw new IllegalArgumentException("guidance scale must be finite, got " + guidance);
        }
        if (steps < 1 || steps > scheduler.numTrainTimesteps()) {
            throw new IllegalArgumentException("steps must be 1.." + scheduler.numTrainTimesteps() + ", got "
                    + steps);
        }
        long start = System.nanoTime();
        List<float[]> out = sample(new DdimScheduler(scheduler, steps), labels.clone(), seeds.clone(), guidance);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(String.format(Locale.ROOT, "%s: %d picture(s), %d steps, guidance %.2f in %.1f ms", where,
                    labels.length, steps, guidance, (System.nanoTime() - start) / 1e6));
        }
        return out;
    }

    /**
     * The DDIM loop with classifier-free guidance. Item i starts from {@code NoiseSource(seeds[i])} noise; each step
     * evaluates all conditional calls (and, when guidance is not 1, the null-label calls of the labelled items) in
     * one {@link MultiViewDenoiser#predictBatch}.
     *
     * @return the last step's x0 predictions clamped to [−1, 1]
     */
    List<float[]> sample(DdimScheduler ddim, int[] labels, long[] seeds, float guidance) {
        int n = labels.length;
        float[][] x = new float[n][];
        float[][] x0 = new float[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new NoiseSource(seeds[i]).gaussian(sampleLen);
        }
        int[] timesteps = ddim.timesteps();
        for (int k = 0; k < timesteps.length; k++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("drawing cancelled at step " + (k + 1) + " of " + timesteps.length);
            }
            int t = timesteps[k];
            List<DenoiserCall> calls = new ArrayList<>(2 * n);
            int[] uncondIndex = new int[n];
            for (int i = 0; i < n; i++) {
                Condition c = labels[i] >= 0 ? Condition.classLabel(labels[i]) : Condition.none();
                calls.add(new DenoiserCall(x[i], t, c, false));
            }
            for (int i = 0; i < n; i++) {
                uncondIndex[i] = -1;
                if (guidance != 1f && labels[i] >= 0) {
                    uncondIndex[i] = calls.size();
                    calls.add(new DenoiserCall(x[i], t, Condition.none(), true));
                }
            }
            List<float[]> y = denoiser.predictBatch(calls);
            if (y.size() != calls.size()) {
                throw new IllegalStateException(where + ": the denoiser returned " + y.size() + " outputs for "
                        + calls.size() + " calls");
            }
            for (int i = 0; i < n; i++) {
                float[] cond = checked(y.get(i), t);
                float[] v = uncondIndex[i] < 0 ? cond : Guidance.apply(checked(y.get(uncondIndex[i]), t), cond,
                        guidance);
                SchedulerStep s = ddim.step(denoiser.predictionType(), v, t, x[i], 0.0, null);
                x[i] = s.prevSample();
                x0[i] = s.predictedX0();
            }
        }
        List<float[]> out = new ArrayList<>(n);
        for (float[] p : x0) {
            for (int j = 0; j < p.length; j++) {
                p[j] = Math.max(-1f, Math.min(1f, p[j]));
            }
            out.add(p);
        }
        return out;
    }

    private float[] checked(float[] y, int t) {
        if (y == null || y.length != sampleLen) {
            throw new IllegalStateException(where + ": the denoiser returned " + (y == null ? "null" : y.length
                    + " floats") + " at timestep " + t + ", expected " + sampleLen);
        }
        for (int i = 0; i < y.length; i++) {
            if (!Float.isFinite(y[i])) {
                throw new IllegalStateException(where + ": the denoiser returned " + y[i] + " at index " + i
                        + " at timestep " + t);
            }
        }
        return y;
    }

    /**
     * Converts a drawn picture to an image for display or saving.
     *
     * @param picture planar 3×R×R RGB in [−1, 1], row 0 at the top (not null, unaffected)
     * @param resolution R ≥ 1
     * @return a new {@code TYPE_INT_RGB} image; value v maps to {@code round((v + 1)/2 · 255)}, clamped
     * @throws IllegalArgumentException if the array does not hold 3×R×R floats
     */
    public static BufferedImage toImage(float[] picture, int resolution) {
        if (picture == null || resolution < 1 || picture.length != 3L * resolution * resolution) {
            throw new IllegalArgumentException("picture must hold 3x" + resolution + "x" + resolution + " floats, got "
                    + (picture == null ? "null" : picture.length));
        }
        int plane = resolution * resolution;
        BufferedImage img = new BufferedImage(resolution, resolution, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < resolution; y++) {
            for (int x = 0; x < resolution; x++) {
                int p = y * resolution + x;
                int rgb = (to8(picture[p]) << 16) | (to8(picture[plane + p]) << 8) | to8(picture[2 * plane + p]);
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static int to8(float v) {
        float u = (v + 1f) * 0.5f;
        if (!(u > 0)) {
            return 0;
        }
        return u >= 1 ? 255 : Math.round(u * 255f);
    }

    /** @return the model, size and categories (not null) */
    @Override
    public String toString() {
        return "BundleFrontEnd[" + where + ", " + resolution + "x" + resolution + ", " + labels + "]";
    }
}
