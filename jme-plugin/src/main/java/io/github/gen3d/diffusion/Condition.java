package io.github.gen3d.diffusion;

/**
 * What a sample is conditioned on: an input image, a class label, both, or nothing.
 *
 * <p>The image is planar {@code C×H×W} (channel-major, row 0 at the top) with values in [−1, 1], the range the
 * sampler's views use; how it is fed to a network (resized, embedded, concatenated) is the denoiser's and
 * reconstructor's business. The array is held as given (no copy) and must not be changed while a sampler uses it.
 *
 * @param image the input image, {@code channels·height·width} floats, or null for none
 * @param channels image channels (0 when there is no image)
 * @param height image height (0 when there is no image)
 * @param width image width (0 when there is no image)
 * @param classLabel a class label ≥ 0, or {@link #NO_LABEL}
 */
public record Condition(float[] image, int channels, int height, int width, int classLabel) {
    /** The class label meaning "none". */
    public static final int NO_LABEL = -1;

    /**
     * Checks the shape.
     *
     * @throws IllegalArgumentException if the image length does not match its shape or the label is below −1
     */
    public Condition {
        if (image == null) {
            if (channels != 0 || height != 0 || width != 0) {
                throw new IllegalArgumentException("no image, so channels, height and width must be 0");
            }
        } else if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width != image.length) {
            throw new IllegalArgumentException("image has " + image.length + " floats, not " + channels + "x"
                    + height + "x" + width);
        }
        if (classLabel < NO_LABEL) {
            throw new IllegalArgumentException("class label must be >= 0 or NO_LABEL, got " + classLabel);
        }
    }

    /** @return a condition with neither image nor label */
    public static Condition none() {
        return new Condition(null, 0, 0, 0, NO_LABEL);
    }

    /**
     * @param chw the image, planar C×H×W in [−1, 1] (not null; held, not copied)
     * @param channels C ≥ 1
     * @param height H ≥ 1
     * @param width W ≥ 1
     * @return an image condition without a label
     */
    public static Condition image(float[] chw, int channels, int height, int width) {
        if (chw == null) {
            throw new IllegalArgumentException("image is null");
        }
        return new Condition(chw, channels, height, width, NO_LABEL);
    }

    /**
     * @param label a class label ≥ 0
     * @return a label condition without an image
     */
    public static Condition classLabel(int label) {
        if (label < 0) {
            throw new IllegalArgumentException("class label must be >= 0, got " + label);
        }
        return new Condition(null, 0, 0, 0, label);
    }

    /** @return whether there is an image */
    public boolean hasImage() {
        return image != null;
    }

    /** @return whether there is a class label */
    public boolean hasLabel() {
        return classLabel != NO_LABEL;
    }

    @Override
    public String toString() {
        return "Condition[" + (image == null ? "no image" : "image " + channels + "x" + height + "x" + width)
                + (hasLabel() ? ", label " + classLabel : "") + "]";
    }
}
