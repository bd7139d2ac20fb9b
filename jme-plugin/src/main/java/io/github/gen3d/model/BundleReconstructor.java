package io.github.gen3d.model;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.GaussianReconstructor;
import io.github.gen3d.splat.GaussianCloud;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bundle's reconstructor component as the sampler's {@link GaussianReconstructor}.
 *
 * <p>Inputs, in the contract's order ({@code docs/model-bundles.md}, "Reconstructor contract"):
 * <ol start="0">
 * <li>x_t of the K target views, float32 {@code [batch, K, C, H, W]} (C fixed; H, W fixed or from
 * {@code resolution}; K fixed, from {@code views}, or taken from the call);</li>
 * <li>the timestep {@code [batch]};</li>
 * <li>the 2D model's x0 estimate of the same views, the same shape as input 0;</li>
 * <li>optional condition inputs: an image {@code [batch, C', H', W']} (the condition image in [−1, 1], zeros when
 * the condition has none) and/or a class label {@code [batch]} (−1 for none). A condition the component has no
 * input for is ignored (an LGM-style network does not see the input image).</li>
 * </ol>
 * The batch size is always 1. Output 0, {@code [1, count, 14]}, becomes a {@link GaussianCloud} of SH degree 0 by the
 * channel table of the contract, row by row ({@link #toCloud}): position x, y, z (0–2) in the rig's frame, which is
 * jME's frame (no conversion); linear opacity (3); linear scales (4–6); the rotation quaternion in the order
 * <b>w, x, y, z</b> (7–10), normalised here; colour r, g, b in [0, 1] (11–13) stored as the SH DC term
 * {@code (rgb − 0.5) / C0}. The runtime lets this output hold NaN or infinity; such rows, and other values
 * {@link GaussianCloud#sanitize()} repairs or drops (zero quaternions, non-positive scales, opacity outside [0, 1]),
 * are counted and logged at WARNING.
 *
 * <p>Errors as {@link BundleDenoiser}: {@link IllegalArgumentException} for arrays or conditions that do not fit the
 * contract, {@link IllegalStateException} (cause: the {@link ModelBundleException}) for runtime failures.
 */
public final class BundleReconstructor implements GaussianReconstructor {
    private static final Logger LOG = Logger.getLogger(BundleReconstructor.class.getName());
    /** Channels per Gaussian row in the export contract. */
    static final int ROW = 14;

    private final ModelComponent component;
    private final int views;
    private final int channels;
    private final int height;
    private final int width;
    private final ContractMapping conditions;

    private BundleReconstructor(ModelComponent component) throws ModelBundleException {
        String bundle = component.bundleName();
        if (!"reconstructor".equals(component.role())) {
            throw new ModelBundleException(bundle, component.name(), "has role " + component.role()
                    + ", not reconstructor");
        }
        List<TensorSpec> in = component.inputs();
        if (in.size() < 3) {
            throw new ModelBundleException(bundle, component.name(), "takes " + in.size() + " inputs; the adapter"
                    + " needs x_t [batch, views, C, H, W], t [batch] and x0 [batch, views, C, H, W] first (wrap"
                    + " LGM-style networks so they take these)");
        }
        int[] vchw = ContractMapping.viewShape(component, in.get(0));
        TensorSpec t = in.get(1);
        if (t.rank() != 1) {
            throw new ModelBundleException(bundle, component.name(), "input 1 must be the timestep [batch], got "
                    + t);
        }
        TensorSpec x = in.get(0);
        TensorSpec x0 = in.get(2);
        boolean same = x0.rank() == 5 && x0.dtype().equals(x.dtype());
        for (int a = 0; same && a < 5; a++) {
            same = x0.fixedDim(a) == x.fixedDim(a) && Objects.equals(x0.symbol(a), x.symbol(a));
        }
        if (!same) {
            throw new ModelBundleException(bundle, component.name(), "input 2 must be the x0 estimate with the"
                    + " shape of input 0: " + x + " vs " + x0);
        }
        int batch = ContractMapping.batchDim(component);
        if (batch > 1) {
            throw new ModelBundleException(bundle, component.name(), "the batch dimension is fixed at " + batch
                    + "; the reconstructor adapter calls with batch 1");
        }
        this.component = component;
        views = vchw[0];
        channels = vchw[1];
        height = vchw[2];
        width = vchw[3];
        conditions = new ContractMapping(component, 3, ContractMapping.symbols(x, vchw));
    }

    /**
     * Wraps a bundle's reconstructor component.
     *
     * @param bundle the loaded bundle (not null; must stay open while the reconstructor is used)
     * @param component the component's name (not null)
     * @return the adapter (not null)
     * @throws ModelBundleException if there is no such component, it is not a reconstructor, or its contract cannot
     *     be mapped
     */
    public static BundleReconstructor of(ModelBundle bundle, String component) throws ModelBundleException {
        return new BundleReconstructor(bundle.component(component));
    }

    /**
     * Wraps the bundle's reconstructor: the only component with role {@code reconstructor}, or, among several, the
     * one named {@code reconstructor}.
     *
     * @param bundle the loaded bundle (not null; must stay open while the reconstructor is used)
     * @return the adapter (not null)
     * @throws ModelBundleException if no single reconstructor can be chosen or its contract cannot be mapped
     */
    public static BundleReconstructor of(ModelBundle bundle) throws ModelBundleException {
        return new BundleReconstructor(BundleSamplers.byRole(bundle, "reconstructor"));
    }

    /** @return the wrapped component (not null) */
    public ModelComponent component() {
        return component;
    }

    /** @return the number of views the contract fixes (dimension 1 or {@code views}), or 0 when it takes any */
    public int viewCount() {
        return views;
    }

    /** @return C, channels per view */
    public int channels() {
        return channels;
    }

    /** @return H, view height in pixels */
    public int height() {
        return height;
    }

    /** @return W, view width in pixels */
    public int width() {
        return width;
    }

    /**
     * @throws IllegalArgumentException if the arrays do not hold whole {@code C×H×W} views (or not the fixed view
     *     count), differ in length, or the condition's image has another size than the image input
     * @throws IllegalStateException if the runtime fails (cause: the {@link ModelBundleException})
     */
    @Override
    public GaussianCloud reconstruct(float[] noisyViews, int timestep, float[] x0Estimate, Condition condition) {
        if (noisyViews == null || x0Estimate == null || condition == null) {
            throw new IllegalArgumentException("views, x0 estimate and condition must not be null");
        }
        int viewLen = channels * height * width;
        if (noisyViews.length == 0 || noisyViews.length % viewLen != 0 || x0Estimate.length != noisyViews.length
                || (views > 0 && noisyViews.length != views * viewLen)) {
            throw new IllegalArgumentException(prefix() + "views of " + noisyViews.length + " and x0 of "
                    + x0Estimate.length + " floats do not fit " + (views > 0 ? views : "K") + " views of "
                    + channels + "x" + height + "x" + width);
        }
        int k = noisyViews.length / viewLen;
        conditions.check(condition, false);
        Tensor[] in = new Tensor[component.inputs().size()];
        in[0] = new Tensor(noisyViews, 1, k, channels, height, width);
        in[1] = new Tensor(new float[] {timestep}, 1);
        in[2] = new Tensor(x0Estimate, 1, k, channels, height, width);
        if (conditions.takesImage()) {
            int[] s = conditions.imageShape;
            float[] image = new float[s[0] * s[1] * s[2]];
            conditions.fill(condition, false, 0, image, null);
            in[conditions.imageInput] = new Tensor(image, 1, s[0], s[1], s[2]);
        }
        if (conditions.takesLabel()) {
            float[] label = new float[1];
            conditions.fill(condition, false, 0, new float[0], label);
            in[conditions.labelInput] = new Tensor(label, 1);
        }
        Map<String, Tensor> out;
        try {
            out = component.runAllowingNonFiniteOutput(in);
        } catch (ModelBundleException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Tensor g = out.get(component.outputs().get(0).name());
        return toCloud(g.data(), (int) g.dim(1), component.bundleName() + "/" + component.name());
    }

    /**
     * Converts Gaussian rows of the export contract into a cloud (SH degree 0), then {@linkplain
     * GaussianCloud#sanitize() sanitises} it: rows with a non-finite position, scale, rotation or opacity, or an
     * all-zero rotation, are dropped; other problems are repaired; the counts are logged at WARNING.
     *
     * @param rows {@code count × 14} floats: x y z, opacity, scale x y z, quaternion w x y z, r g b (not null,
     *     unaffected)
     * @param count the number of rows
     * @param source names the model in the log (not null)
     * @return a new cloud (not null)
     */
    static GaussianCloud toCloud(float[] rows, int count, String source) {
        if (rows.length != (long) count * ROW) {
            throw new IllegalArgumentException(rows.length + " floats are not " + count + " rows of " + ROW);
        }
        GaussianCloud cloud = new GaussianCloud(count, 0);
        float[] pos = cloud.positions();
        float[] scale = cloud.scales();
        float[] rot = cloud.rotations();
        float[] opacity = cloud.opacities();
        for (int i = 0; i < count; i++) {
            int r = i * ROW;
            pos[3 * i] = rows[r];
            pos[3 * i + 1] = rows[r + 1];
            pos[3 * i + 2] = rows[r + 2];
            opacity[i] = rows[r + 3];
            scale[3 * i] = rows[r + 4];
            scale[3 * i + 1] = rows[r + 5];
            scale[3 * i + 2] = rows[r + 6];
            double w = rows[r + 7];
            double x = rows[r + 8];
            double y = rows[r + 9];
            double z = rows[r + 10];
            double n = Math.sqrt(w * w + x * x + y * y + z * z);
            if (n > 0 && Double.isFinite(n)) {
                w /= n;
                x /= n;
                y /= n;
                z /= n;
            }
            // a zero or non-finite quaternion is kept as it is: sanitize() drops the row
            rot[4 * i] = (float) w;
            rot[4 * i + 1] = (float) x;
            rot[4 * i + 2] = (float) y;
            rot[4 * i + 3] = (float) z;
            cloud.setColour(i, rows[r + 11], rows[r + 12], rows[r + 13]);
        }
        GaussianCloud.Validation v = cloud.sanitize();
        if (!v.isClean() && LOG.isLoggable(Level.WARNING)) {
            LOG.warning(source + ": " + v.unrecoverable() + " of " + count + " Gaussians dropped (non-finite"
                    + " or zero-rotation rows), others repaired: " + v);
        }
        return v.cleaned();
    }

    private String prefix() {
        return "model bundle '" + component.bundleName() + "', component '" + component.name() + "': ";
    }

    /** @return bundle, component and view shape (not null) */
    @Override
    public String toString() {
        return "BundleReconstructor[" + component.bundleName() + "/" + component.name() + ", "
                + (views > 0 ? views : "K") + "x" + channels + "x" + height + "x" + width + "]";
    }
}
