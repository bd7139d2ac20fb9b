package io.github.gen3d.model;

import io.github.gen3d.diffusion.Condition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the sampler's arrays map onto a component's declared inputs; shared by {@link BundleDenoiser} and
 * {@link BundleReconstructor}.
 *
 * <p>A component's leading inputs are fixed by its role (the views, the timestep, for a reconstructor also the x0
 * estimate); every further input is a <em>condition input</em>, recognised by its shape:
 * <ul>
 * <li>an <b>image</b>: float32 {@code [batch, C, H, W]} whose sizes are fixed numbers or symbols that the views'
 * input also uses (so they are known before any call); it receives {@link Condition#image()} in [−1, 1] as is, or
 * zeros for "no image" (the unconditional branch, or a condition without an image);</li>
 * <li>a <b>class label</b>: int32 or int64 {@code [batch]}; it receives {@link Condition#classLabel()}, or −1 for "no
 * label".</li>
 * </ul>
 * At most one of each; any other input (camera matrices, text embeddings, …) cannot be filled from a
 * {@link Condition} and is a {@link ModelBundleException} when the adapter is made: bake constants such as the fixed
 * cameras of the view rig into the exported network instead.
 */
final class ContractMapping {
    /** The null class label that unconditional calls (and conditions without a label) pass. */
    static final int NO_LABEL = -1;

    private final ModelComponent component;
    private final String bundle;
    /** index of the image input, or −1 */
    final int imageInput;
    /** index of the label input, or −1 */
    final int labelInput;
    /** the image input's C, H, W (null without an image input) */
    final int[] imageShape;

    /**
     * @param component the component (not null)
     * @param fixedInputs how many leading inputs the role defines (they are not condition inputs)
     * @param known sizes of symbolic dimensions known from the views' input (not null, unaffected)
     * @throws ModelBundleException if a further input is neither an image nor a label, there are two of a kind, or
     *     an image's size is not known
     */
    ContractMapping(ModelComponent component, int fixedInputs, Map<String, Long> known) throws ModelBundleException {
        this.component = component;
        this.bundle = component.bundleName();
        List<TensorSpec> in = component.inputs();
        int img = -1;
        int lab = -1;
        int[] shape = null;
        for (int i = fixedInputs; i < in.size(); i++) {
            TensorSpec s = in.get(i);
            boolean isFloat = "float32".equals(s.dtype());
            if (s.rank() == 4 && isFloat) {
                if (img >= 0) {
                    throw error("has two image inputs, " + in.get(img).name() + " and " + s.name()
                            + "; a Condition carries one image");
                }
                img = i;
                shape = new int[3];
                for (int a = 1; a <= 3; a++) {
                    long d = s.fixedDim(a) > 0 ? s.fixedDim(a) : known.getOrDefault(s.symbol(a), -1L);
                    if (d < 1) {
                        throw error("image input " + s + ": dimension " + a + " (" + s.symbol(a) + ") has no known"
                                + " size; fix it or use a symbol of the views' input");
                    }
                    shape[a - 1] = (int) d;
                }
            } else if (s.rank() == 1 && !isFloat) {
                if (lab >= 0) {
                    throw error("has two class-label inputs, " + in.get(lab).name() + " and " + s.name());
                }
                lab = i;
            } else {
                throw error("input " + s + " cannot be filled from a Condition: condition inputs are an image"
                        + " float32 [batch, C, H, W] and a class label int32/int64 [batch]; bake other inputs"
                        + " (e.g. the rig's camera matrices) into the exported network");
            }
        }
        this.imageInput = img;
        this.labelInput = lab;
        this.imageShape = shape;
    }

    /**
     * Sizes of the symbols of a rank-5 views input {@code [batch, V, C, H, W]} given its resolved sizes.
     *
     * @param x the views' input (not null)
     * @param vchw V, C, H, W (V may be 0 when not known)
     * @return symbol → size (not null, new)
     */
    static Map<String, Long> symbols(TensorSpec x, int[] vchw) {
        Map<String, Long> m = new HashMap<>();
        for (int a = 1; a <= 4; a++) {
            if (x.symbol(a) != null && vchw[a - 1] > 0) {
                m.put(x.symbol(a), (long) vchw[a - 1]);
            }
        }
        return m;
    }

    /**
     * Resolves C, H, W of a rank-5 float32 views input {@code [batch, V, C, H, W]}: channels must be fixed, the image
     * size fixed or given by {@code resolution}.
     *
     * @param component the component (not null)
     * @param x its views' input (not null)
     * @return V (0 when neither fixed nor declared by {@code views}), C, H, W
     * @throws ModelBundleException if the input is not rank-5 float32 or a size cannot be determined
     */
    static int[] viewShape(ModelComponent component, TensorSpec x) throws ModelBundleException {
        String bundle = component.bundleName();
        if (x.rank() != 5 || !"float32".equals(x.dtype())) {
            throw new ModelBundleException(bundle, component.name(), "input " + x + " must be the views, float32"
                    + " [batch, views, channels, height, width]");
        }
        int views = x.fixedDim(1) > 0 ? (int) x.fixedDim(1) : component.views();
        if (x.fixedDim(2) < 1) {
            throw new ModelBundleException(bundle, component.name(), "input " + x + ": the channel count"
                    + " (dimension 2) must be a fixed number");
        }
        int[] out = {views, (int) x.fixedDim(2), 0, 0};
        for (int a = 3; a <= 4; a++) {
            long d = x.fixedDim(a) > 0 ? x.fixedDim(a) : component.resolution();
            if (d < 1) {
                throw new ModelBundleException(bundle, component.name(), "input " + x + ": dimension " + a + " ("
                        + x.symbol(a) + ") has no fixed size and the component declares no \"resolution\"");
            }
            out[a - 1] = (int) d;
        }
        return out;
    }

    /**
     * Checks that every input's first dimension is the batch dimension of input 0 (the same symbol or the same fixed
     * size) and returns that fixed size.
     *
     * @param component the component (not null)
     * @return the fixed batch size, or 0 when the batch dimension is symbolic
     * @throws ModelBundleException if an input has another leading dimension
     */
    static int batchDim(ModelComponent component) throws ModelBundleException {
        List<TensorSpec> in = component.inputs();
        TensorSpec x = in.get(0);
        for (TensorSpec s : in) {
            boolean same = s.rank() >= 1 && s.fixedDim(0) == x.fixedDim(0)
                    && Objects.equals(s.symbol(0), x.symbol(0));
            if (!same) {
                throw new ModelBundleException(component.bundleName(), component.name(), "input " + s
                        + " must start with the batch dimension of " + x);
            }
        }
        return x.fixedDim(0) > 0 ? (int) x.fixedDim(0) : 0;
    }

    /** @return whether the component takes an image */
    boolean takesImage() {
        return imageInput >= 0;
    }

    /** @return whether the component takes a class label */
    boolean takesLabel() {
        return labelInput >= 0;
    }

    /**
     * Checks what a condition asks for against what the component takes.
     *
     * @param c the condition (not null)
     * @param strict true to refuse an image or label the component has no input for (the denoiser); false to ignore
     *     it (a reconstructor that does not see the input image)
     * @throws IllegalArgumentException naming the bundle and component if the condition does not fit
     */
    void check(Condition c, boolean strict) {
        if (c.hasImage()) {
            if (imageInput < 0) {
                if (strict) {
                    throw new IllegalArgumentException(message("takes no image condition, but the request has "
                            + c));
                }
            } else if (c.channels() != imageShape[0] || c.height() != imageShape[1] || c.width() != imageShape[2]) {
                throw new IllegalArgumentException(message("image input " + component.inputs().get(imageInput)
                        + " is " + imageShape[0] + "x" + imageShape[1] + "x" + imageShape[2] + " but the condition"
                        + " image is " + c.channels() + "x" + c.height() + "x" + c.width()));
            }
        }
        if (c.hasLabel()) {
            if (labelInput < 0) {
                if (strict) {
                    throw new IllegalArgumentException(message("takes no class label, but the request has " + c));
                }
            } else {
                checkLabel(c.classLabel());
            }
        } else if (labelInput >= 0) {
            checkLabel(NO_LABEL);
        }
    }

    /**
     * @param label the value the label input will receive
     * @throws IllegalArgumentException if the contract's range excludes it
     */
    void checkLabel(int label) {
        TensorSpec s = component.inputs().get(labelInput);
        if (label < s.min() || label > s.max()) {
            throw new IllegalArgumentException(message("class label input " + s + " cannot take " + label
                    + (label == NO_LABEL ? " (no label: unconditional calls and conditions without a label pass -1)"
                    : "")));
        }
    }

    /**
     * Writes one batch item's condition inputs.
     *
     * @param c the condition (not null; {@link #check}ed)
     * @param unconditional true to write the null condition (zero image, label −1) instead
     * @param item the batch index
     * @param image the image tensor's data, {@code batch·C·H·W} (ignored without an image input)
     * @param label the label tensor's data, {@code batch} (ignored without a label input)
     */
    void fill(Condition c, boolean unconditional, int item, float[] image, float[] label) {
        if (imageInput >= 0) {
            int len = imageShape[0] * imageShape[1] * imageShape[2];
            if (!unconditional && c.hasImage()) {
                System.arraycopy(c.image(), 0, image, item * len, len);
            } else {
                Arrays.fill(image, item * len, (item + 1) * len, 0f);
            }
        }
        if (labelInput >= 0) {
            label[item] = !unconditional && c.hasLabel() ? c.classLabel() : NO_LABEL;
        }
    }

    private String message(String problem) {
        return "model bundle '" + bundle + "', component '" + component.name() + "': " + problem;
    }

    private ModelBundleException error(String problem) {
        return new ModelBundleException(bundle, component.name(), problem);
    }
}
