package io.github.gen3d.service;

import java.awt.image.BufferedImage;
import java.util.List;

/** Puts preview pictures side by side. */
final class Previews {
    private Previews() {
    }

    /**
     * @param views pictures of equal height (not null, not empty, unaffected)
     * @return a new RGB picture with the views left to right
     */
    static BufferedImage strip(List<BufferedImage> views) {
        int w = 0;
        int h = views.get(0).getHeight();
        for (BufferedImage v : views) {
            w += v.getWidth();
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int x = 0;
        for (BufferedImage v : views) {
            int[] px = v.getRGB(0, 0, v.getWidth(), Math.min(h, v.getHeight()), null, 0, v.getWidth());
            out.setRGB(x, 0, v.getWidth(), Math.min(h, v.getHeight()), px, 0, v.getWidth());
            x += v.getWidth();
        }
        return out;
    }
}
