package io.github.gen3d.service;

import com.jme3.texture.Image;
import java.awt.image.BufferedImage;
import com.jme3.util.BufferUtils;
import java.nio.ByteBuffer;

/** Converts jME images (first mip level, 8-bit formats) to {@link BufferedImage}s. */
final class JmeImages {
    private JmeImages() {
    }

    /**
     * Converts an image. jME keeps row 0 at the bottom (OpenGL's convention, as {@code loadTexture} loads), so rows
     * are flipped to put the top of the picture first.
     *
     * @param image the image (not null, unaffected)
     * @param name names the image in messages (not null)
     * @return a new ARGB picture (not null)
     * @throws IllegalArgumentException for an unsupported format, no data, or data shorter than the size says
     */
    static BufferedImage toBufferedImage(Image image, String name) {
        Image.Format f = image.getFormat();
        int bpp = switch (f) {
            case RGBA8, ABGR8, ARGB8, BGRA8 -> 4;
            case RGB8, BGR8 -> 3;
            case Luminance8Alpha8 -> 2;
            case Luminance8 -> 1;
            default -> throw new IllegalArgumentException("jME image " + name + " has format " + f
                    + "; supported: RGBA8, ABGR8, ARGB8, BGRA8, RGB8, BGR8, Luminance8, Luminance8Alpha8");
        };
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < 1 || h < 1 || (long) w * h > (1L << 26)) {
            throw new IllegalArgumentException("jME image " + name + " has size " + w + "x" + h);
        }
        ByteBuffer data = image.getData().isEmpty() ? null : image.getData(0);
        if (data == null || data.limit() < (long) w * h * bpp) {
            throw new IllegalArgumentException("jME image " + name + " has " + (data == null ? "no data" : data.limit()
                    + " bytes of data") + " but " + w + "x" + h + " " + f + " needs " + (long) w * h * bpp);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            int row = (h - 1 - y) * w * bpp;
            for (int x = 0; x < w; x++) {
                int o = row + x * bpp;
                int r;
                int g;
                int b;
                int a = 255;
                switch (f) {
                    case RGBA8 -> {
                        r = u(data, o);
                        g = u(data, o + 1);
                        b = u(data, o + 2);
                        a = u(data, o + 3);
                    }
                    case ABGR8 -> {
                        a = u(data, o);
                        b = u(data, o + 1);
                        g = u(data, o + 2);
                        r = u(data, o + 3);
                    }
                    case ARGB8 -> {
                        a = u(data, o);
                        r = u(data, o + 1);
                        g = u(data, o + 2);
                        b = u(data, o + 3);
                    }
                    case BGRA8 -> {
                        b = u(data, o);
                        g = u(data, o + 1);
                        r = u(data, o + 2);
                        a = u(data, o + 3);
                    }
                    case RGB8 -> {
                        r = u(data, o);
                        g = u(data, o + 1);
                        b = u(data, o + 2);
                    }
                    case BGR8 -> {
                        b = u(data, o);
                        g = u(data, o + 1);
                        r = u(data, o + 2);
                    }
                    case Luminance8Alpha8 -> {
                        r = u(data, o);
                        g = r;
                        b = r;
                        a = u(data, o + 1);
                    }
                    default -> {
                        r = u(data, o);
                        g = r;
                        b = r;
                    }
                }
                out.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    private static int u(ByteBuffer data, int index) {
        return data.get(index) & 0xff;
    }

    /**
     * The inverse: a picture as an RGBA8 jME image, row 0 at the bottom.
     *
     * @param picture the picture (not null, unaffected)
     * @return a new image (not null)
     */
    static Image toJmeImage(BufferedImage picture) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        ByteBuffer data = BufferUtils.createByteBuffer(w * h * 4);
        int[] row = new int[w];
        for (int y = h - 1; y >= 0; y--) {
            picture.getRGB(0, y, w, 1, row, 0, w);
            for (int argb : row) {
                data.put((byte) (argb >> 16)).put((byte) (argb >> 8)).put((byte) argb).put((byte) (argb >>> 24));
            }
        }
        data.flip();
        return new Image(Image.Format.RGBA8, w, h, data, com.jme3.texture.image.ColorSpace.sRGB);
    }
}
