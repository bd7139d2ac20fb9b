package io.github.gen3d.model;

import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.MultiViewDenoiser;
import io.github.gen3d.diffusion.PredictionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bundle's denoiser component as the sampler's {@link MultiViewDenoiser}.
 *
 * <p>The component's contract ({@code docs/model-bundles.md}, "Denoiser contract") gives everything: the prediction
 * type from {@code prediction}; V, C, H, W from input 0 {@code [batch, V, C, H, W]} (V fixed or from {@code views},
 * C fixed, H and W fixed or from {@code resolution}). A {@link DenoiserCall} becomes one batch item:
 * <ul>
 * <li>input 0 ← the noisy views {@code V×C×H×W} as they are (the sampler's planar layout is the tensor's row-major
 * layout);</li>
 * <li>input 1 ← the timestep;</li>
 * <li>an image input {@code [batch, C', H', W']} ← the condition image in [−1, 1], or zeros when the call is
 * {@linkplain DenoiserCall#unconditional() unconditional} or the condition has no image (an all-zero image means
 * "no image" in the export contract);</li>
 * <li>a class-label input {@code [batch]} ← the condition's label, or −1 when unconditional or without a label.</li>
 * </ul>
 * {@link #predictBatch} evaluates all calls in <b>one</b> component call along the batch dimension (both guidance
 * branches of every request of a {@code SynergySampler} step); with a fixed batch size B in the contract it calls
 * in chunks of B, padding the last one by repeating its last call. {@link #predict} is a batch of one, the reference
 * the batched path must agree with.
 *
 * <p>A condition the component has no input for (an image for an unconditional model) is an
 * {@link IllegalArgumentException}, as is a condition image of another size; failures of the runtime (the network,
 * its output contract, a closed bundle) surface as {@link IllegalStateException} whose cause is the
 * {@link ModelBundleException} and whose message names the bundle and component. Calls are serialised by the
 * component; the adapter itself holds no mutable state.
 */
public final class BundleDenoiser implements MultiViewDenoiser {
    private final ModelComponent component;
    private final PredictionType prediction;
    private final int views;
    private final int channels;
    private final int height;
    private final int width;
    private final int sampleLen;
    private final int fixedBatch;
    private final ContractMapping conditions;

    private BundleDenoiser(ModelComponent component) throws ModelBundleException {
        String bundle = component.bundleName();
        if (!"denoiser".equals(component.role())) {
            throw new ModelBundleException(bundle, component.name(), "has role " + component.role()
                    + ", not denoiser");
        }
        this.component = component;
        this.prediction = PredictionType.fromId(component.prediction());
        int[] vchw = ContractMapping.viewShape(component, component.inputs().get(0));
        if (vchw[0] < 1) {
            throw new ModelBundleException(bundle, component.name(), "input " + component.inputs().get(0)
                    + ": the view count (dimension 1) is neither fixed nor declared by \"views\"");
        }
        views = vchw[0];
        channels = vchw[1];
        height = vchw[2];
        width = vchw[3];
        long len = (long) views * channels * height * width;
        if (len > Integer.MAX_VALUE / 4) {
            throw new ModelBundleException(bundle, component.name(), "a sample of " + views + "x" + channels + "x"
                    + height + "x" + width + " is too large");
        }
        sampleLen = (int) len;
        fixedBatch = ContractMapping.batchDim(component);
        conditions = new ContractMapping(component, 2, ContractMapping.symbols(component.inputs().get(0), vchw));
    }

    /**
     * Wraps a bundle's denoiser component.
     *
     * @param bundle the loaded bundle (not null; must stay open while the denoiser is used)
     * @param component the component's name (not null)
     * @return the adapter (not null)
     * @throws ModelBundleException if there is no such component, it is not a denoiser, or its contract cannot be
     *     mapped (sizes not determinable, a batch dimension that differs between inputs, an input that is neither
     *     views, timestep, image nor class label)
     */
    public static BundleDenoiser of(ModelBundle bundle, String component) throws ModelBundleException {
        return new BundleDenoiser(bundle.component(component));
    }

    /**
     * Wraps the bundle's denoiser: the only component with role {@code denoiser}, or, among several, the one named
     * {@code denoiser}.
     *
     * @param bundle the loaded bundle (not null; must stay open while the denoiser is used)
     * @return the adapter (not null)
     * @throws ModelBundleException if no single denoiser can be chosen or its contract cannot be mapped
     */
    public static BundleDenoiser of(ModelBundle bundle) throws ModelBundleException {
        return new BundleDenoiser(BundleSamplers.byRole(bundle, "denoiser"));
    }

    /** @return the wrapped component (not null) */
    public ModelComponent component() {
        return component;
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }

    @Override
    public int viewCount() {
        return views;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /** @return whether the component takes an image condition */
    public boolean takesImage() {
        return conditions.takesImage();
    }

    /** @return whether the component takes a class-label condition */
    public boolean takesClassLabel() {
        return conditions.takesLabel();
    }

    /**
     * One call as a batch of one.
     *
     * @throws IllegalArgumentException if the views have the wrong length or the condition does not fit the contract
     * @throws IllegalStateException if the runtime fails (cause: the {@link ModelBundleException})
     */
    @Override
    public float[] predict(DenoiserCall call) {
        if (call == null) {
            throw new IllegalArgumentException("call is null");
        }
        return predictBatch(List.of(call)).get(0);
    }

    /**
     * All calls in one component call (or in chunks of the contract's fixed batch size).
     *
     * @throws IllegalArgumentException if a call's views have the wrong length or a condition does not fit
     * @throws IllegalStateException if the runtime fails (cause: the {@link ModelBundleException})
     */
    @Override
    public List<float[]> predictBatch(List<DenoiserCall> calls) {
        if (calls == null) {
            throw new IllegalArgumentException("calls is null");
        }
        for (DenoiserCall c : calls) {
            if (c == null) {
                throw new IllegalArgumentException("null call in the batch");
            }
            if (c.noisyViews().length != sampleLen) {
                throw new IllegalArgumentException(prefix() + "the views hold " + c.noisyViews().length
                        + " floats, the contract wants " + views + "x" + channels + "x" + height + "x" + width);
            }
            if (c.unconditional()) {
                if (conditions.takesLabel()) {
                    conditions.checkLabel(ContractMapping.NO_LABEL);
                }
            } else {
                conditions.check(c.condition(), true);
            }
        }
        List<float[]> out = new ArrayList<>(calls.size());
        int chunk = fixedBatch > 0 ? fixedBatch : Math.max(1, calls.size());
        for (int start = 0; start < calls.size(); start += chunk) {
            run(calls, start, chunk, out);
        }
        return out;
    }

    /** Runs calls[start, start + chunk) (padded with the last call) and appends the real items' outputs. */
    private void run(List<DenoiserCall> calls, int start, int chunk, List<float[]> out) {
        int real = Math.min(chunk, calls.size() - start);
        int n = chunk;
        int imageLen = conditions.takesImage()
                ? conditions.imageShape[0] * conditions.imageShape[1] * conditions.imageShape[2] : 0;
        float[] x = new float[n * sampleLen];
        float[] t = new float[n];
        float[] image = new float[n * imageLen];
        float[] label = new float[n];
        for (int b = 0; b < n; b++) {
            DenoiserCall c = calls.get(start + Math.min(b, real - 1));
            System.arraycopy(c.noisyViews(), 0, x, b * sampleLen, sampleLen);
            t[b] = c.timestep();
            conditions.fill(c.condition(), c.unconditional(), b, image, label);
        }
        Tensor[] in = new Tensor[component.inputs().size()];
        in[0] = new Tensor(x, n, views, channels, height, width);
        in[1] = new Tensor(t, n);
        if (conditions.takesImage()) {
            in[conditions.imageInput] = new Tensor(image, n, conditions.imageShape[0], conditions.imageShape[1],
                    conditions.imageShape[2]);
        }
        if (conditions.takesLabel()) {
            in[conditions.labelInput] = new Tensor(label, n);
        }
        Map<String, Tensor> result;
        try {
            result = component.run(in);
        } catch (ModelBundleException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        float[] y = result.get(component.outputs().get(0).name()).data();
        for (int b = 0; b < real; b++) {
            float[] one = new float[sampleLen];
            System.arraycopy(y, b * sampleLen, one, 0, sampleLen);
            out.add(one);
        }
    }

    private String prefix() {
        return "model bundle '" + component.bundleName() + "', component '" + component.name() + "': ";
    }

    /** @return bundle, component, shape and prediction type (not null) */
    @Override
    public String toString() {
        return "BundleDenoiser[" + component.bundleName() + "/" + component.name() + ", " + views + "x" + channels
                + "x" + height + "x" + width + ", " + prediction.id() + "]";
    }
}
