package io.github.gen3d.image;

import io.github.gen3d.diffusion.Condition;
import java.awt.image.BufferedImage;

/**
 * A picture brought to the form the image-to-3D model was trained on: a square {@code size×size} RGB image of one
 * object on white, centred, its larger side filling a set fraction of the frame. Made by {@link InputImages}.
 * Immutable.
 */
public final class PreparedImage {
    /**
     * A rectangle in source pixels: columns {@code x … x+width−1}, rows {@code y … y+height−1}, row 0 at the top.
     *
     * @param x first column
     * @param y first row
     * @param width columns ≥ 1
     * @param height rows ≥ 1
     */
    public record Crop(int x, int y, int width, int height) {
    }

    private final float[] chw;
    private final int size;
    private final String sourceName;
    private final int sourceWidth;
    private final int sourceHeight;
    private final Crop crop;
    private final BackgroundRemoval background;
    private final double objectFraction;

    PreparedImage(float[] chw, int size, String sourceName, int sourceWidth, int sourceHeight, Crop crop,
            BackgroundRemoval background, double objectFraction) {
        this.chw = chw;
        this.size = size;
        this.sourceName = sourceName;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.crop = crop;
        this.background = background;
        this.objectFraction = objectFraction;
    }

    /**
     * The image, planar {@code 3×size×size} (R plane, G plane, B plane; row 0 at the top), each value
     * {@code 2·v − 1} for the sRGB value {@code v} in [0, 1] composited on white, so white is 1 and black −1.
     *
     * @return a new array each call (not null)
     */
    public float[] chw() {
        return chw.clone();
    }

    /**
     * One value of {@link #chw()} without copying the image.
     *
     * @param channel 0 (red), 1 (green) or 2 (blue)
     * @param row 0 … size−1, 0 at the top
     * @param column 0 … size−1
     * @return the value in [−1, 1]
     */
    public float value(int channel, int row, int column) {
        if (channel < 0 || channel > 2 || row < 0 || row >= size || column < 0 || column >= size) {
            throw new IllegalArgumentException("no value at channel " + channel + ", row " + row + ", column "
                    + column + " of a " + size + "x" + size + " image");
        }
        return chw[(channel * size + row) * size + column];
    }

    /** @return the side of the square image, in pixels */
    public int size() {
        return size;
    }

    /** @return the file or name the picture came from (not null) */
    public String sourceName() {
        return sourceName;
    }

    /** @return the source picture's width in pixels */
    public int sourceWidth() {
        return sourceWidth;
    }

    /** @return the source picture's height in pixels */
    public int sourceHeight() {
        return sourceHeight;
    }

    /**
     * The bounding box of the object mask in the source picture, which was padded to a square, scaled and centred;
     * the whole picture for {@link BackgroundRemoval#NONE}.
     *
     * @return the box (not null)
     */
    public Crop crop() {
        return crop;
    }

    /** @return how the background was told from the object (not null) */
    public BackgroundRemoval background() {
        return background;
    }

    /** @return the fraction of source pixels in the object mask, in (0, 1] */
    public double objectFraction() {
        return objectFraction;
    }

    /**
     * The image as 8-bit sRGB.
     *
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image, {@code size×size} (not null)
     */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        int[] row = new int[size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = y * size + x;
                row[x] = toByte(chw[p]) << 16 | toByte(chw[plane + p]) << 8 | toByte(chw[2 * plane + p]);
            }
            out.setRGB(0, y, size, 1, row, 0, size);
        }
        return out;
    }

    /**
     * The image as a sampler condition, {@code Condition.image(chw, 3, size, size)}.
     *
     * @return a condition holding its own copy of the image, without a class label (not null)
     */
    public Condition toCondition() {
        return Condition.image(chw(), 3, size, size);
    }

    private static int toByte(float v) {
        int b = Math.round((v + 1f) * 0.5f * 255f);
        return Math.max(0, Math.min(255, b));
    }

    @Override
    public String toString() {
        return "PreparedImage[" + size + "x" + size + " from '" + sourceName + "' " + sourceWidth + "x"
                + sourceHeight + ", " + background + ", crop " + crop.x() + "," + crop.y() + " " + crop.width() + "x"
                + crop.height() + "]";
    }
}
