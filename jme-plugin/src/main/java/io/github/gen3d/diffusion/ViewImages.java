package io.github.gen3d.diffusion;

import java.awt.image.BufferedImage;

/** Converts one view of a planar {@code V×C×H×W} array in [−1, 1] to a picture. */
final class ViewImages {
    private ViewImages() {
    }

    /**
     * @param views the views (not null, unaffected)
     * @param view which view
     * @param channels C: 1 gives grey, ≥ 3 uses the first three as RGB, 2 shows the first as grey
     * @param height H
     * @param width W
     * @return a new {@code TYPE_INT_RGB} image; value v maps to {@code round((v + 1)/2 · 255)}, clamped
     */
    static BufferedImage toImage(float[] views, int view, int channels, int height, int width) {
        int plane = height * width;
        int count = views.length / (channels * plane);
        if (view < 0 || view >= count) {
            throw new IllegalArgumentException("view " + view + " outside 0.." + (count - 1));
        }
        int base = view * channels * plane;
        boolean rgb = channels >= 3;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                int r = to8(views[base + p]);
                int g = rgb ? to8(views[base + plane + p]) : r;
                int b = rgb ? to8(views[base + 2 * plane + p]) : r;
                row[x] = (r << 16) | (g << 8) | b;
            }
            img.setRGB(0, y, width, 1, row, 0, width);
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
}
