package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.texture.Image;
import com.jme3.texture.Texture2D;
import com.jme3.util.BufferUtils;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** jME image ↔ BufferedImage: channel order and row order (jME's row 0 is the bottom). */
class JmeImagesTest {
    @Test
    void everyFormatKeepsColoursAndPutsTheTopRowFirst() {
        // a 2x2 picture: top row red, green; bottom row blue, white-with-half-alpha
        int[][] rgba = {{0, 0, 255, 255}, {255, 255, 255, 128}, {255, 0, 0, 255}, {0, 255, 0, 255}}; // jME order:
        // bottom row first
        for (Image.Format f : new Image.Format[] {Image.Format.RGBA8, Image.Format.ABGR8, Image.Format.ARGB8,
            Image.Format.BGRA8, Image.Format.RGB8, Image.Format.BGR8}) {
            int bpp = f == Image.Format.RGB8 || f == Image.Format.BGR8 ? 3 : 4;
            ByteBuffer data = BufferUtils.createByteBuffer(4 * bpp);
            for (int[] p : rgba) {
                switch (f) {
                    case RGBA8 -> data.put(b(p[0])).put(b(p[1])).put(b(p[2])).put(b(p[3]));
                    case ABGR8 -> data.put(b(p[3])).put(b(p[2])).put(b(p[1])).put(b(p[0]));
                    case ARGB8 -> data.put(b(p[3])).put(b(p[0])).put(b(p[1])).put(b(p[2]));
                    case BGRA8 -> data.put(b(p[2])).put(b(p[1])).put(b(p[0])).put(b(p[3]));
                    case RGB8 -> data.put(b(p[0])).put(b(p[1])).put(b(p[2]));
                    default -> data.put(b(p[2])).put(b(p[1])).put(b(p[0]));
                }
            }
            data.flip();
            BufferedImage img = JmeImages.toBufferedImage(new Image(f, 2, 2, data,
                    com.jme3.texture.image.ColorSpace.sRGB), "test");
            assertEquals(0xffff0000, img.getRGB(0, 0), f + " top left red");
            assertEquals(0xff00ff00, img.getRGB(1, 0), f + " top right green");
            assertEquals(0xff0000ff, img.getRGB(0, 1), f + " bottom left blue");
            assertEquals(bpp == 3 ? 0xffffffff : 0x80ffffff, img.getRGB(1, 1), f + " bottom right");
            // and back
            BufferedImage round = JmeImages.toBufferedImage(JmeImages.toJmeImage(img), "round");
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 2; x++) {
                    assertEquals(img.getRGB(x, y), round.getRGB(x, y));
                }
            }
        }
    }

    private static byte b(int v) {
        return (byte) v;
    }

    @Test
    void unsupportedFormatsAndShortDataAreRejectedWithTheName() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> JmeImages.toBufferedImage(
                new Image(Image.Format.RGB16F, 2, 2, BufferUtils.createByteBuffer(24),
                        com.jme3.texture.image.ColorSpace.Linear), "hdr.exr"));
        assertTrue(a.getMessage().contains("hdr.exr") && a.getMessage().contains("RGB16F"));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> JmeImages.toBufferedImage(
                new Image(Image.Format.RGBA8, 4, 4, BufferUtils.createByteBuffer(8),
                        com.jme3.texture.image.ColorSpace.sRGB), "short"));
        assertTrue(s.getMessage().contains("short"));
    }

    @Test
    void aRequestTakesATexture() {
        BufferedImage img = AssetGeneratorTest.picture(java.awt.Color.BLUE);
        Texture2D tex = new Texture2D(JmeImages.toJmeImage(img));
        GenerationRequest r = GenerationRequest.builder().image(tex).build();
        assertEquals(GenerationRequest.InputKind.IMAGE, r.inputKind());
        assertEquals(img.getRGB(24, 24), r.image().getRGB(24, 24));
    }
}
