package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.image.InputImages;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation's condition is what the service feeds the sampler for a picture of the prop: the picture goes through
 * {@code InputImages} (the service's and the CLI's input preparation), not the rig's uncropped render.
 */
class EvaluateConditionTest {
    /** Half a byte step of the [0, 1] value is one step of the [−1, 1] value, plus float slack. */
    private static final float TOLERANCE = 1f / 255f + 1e-6f;

    /**
     * The picture a user would hand the service for the prop's input view, made independently of
     * {@link RenderedProp#renderCondition}: the input camera at the jittered distance and picture size that its seed
     * draws, the render composited on white as an opaque RGB picture.
     */
    private static BufferedImage userPicture(PropPose pose) {
        SplitMix64 rng = new SplitMix64(pose.seed() ^ RenderedProp.COND_SEED_SALT);
        int side = RenderedProp.COND_MIN_SIDE
                + (int) ((RenderedProp.COND_MAX_SIDE - RenderedProp.COND_MIN_SIDE + 1) * rng.nextDouble());
        float dist = (float) (ViewRig.RADIUS * (RenderedProp.COND_MIN_DISTANCE
                + (RenderedProp.COND_MAX_DISTANCE - RenderedProp.COND_MIN_DISTANCE) * rng.nextDouble()));
        PinholeCamera c = ViewRig.views(new float[] {0f}, new float[] {pose.inputElevation()}, dist,
                ViewRig.FOV_Y_DEGREES, side, side).get(0);
        MeshRasterizer.View v = MeshRasterizer.render(pose.canonicalMesh(), c, MeshRasterizer.DEFAULT_SUPERSAMPLE);
        BufferedImage pic = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int p = y * side + x;
                double a = v.alpha()[p];
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    double col = a > 0 ? v.rgb()[3 * p + k] * a + (1 - a) : 1.0;
                    rgb = (rgb << 8) | (int) Math.round(255 * Math.max(0, Math.min(1, col)));
                }
                pic.setRGB(x, y, rgb);
            }
        }
        return pic;
    }

    @Test
    void conditionIsWhatThePipelineFeedsForAPictureOfTheProp(@TempDir Path dir) throws Exception {
        int res = 32;
        List<PinholeCamera> novel = EvaluateTool.novelCameras(4, res);
        List<Long> seeds = PropPose.seeds(DatasetSplit.TEST, 5);
        for (long seed : List.of(seeds.get(0), seeds.get(3))) {
            PropPose pose = PropPose.of(seed);
            EvaluateTool.Truth truth = EvaluateTool.Truth.of(pose, res, novel);
            float[] cond = truth.condition.image();
            assertEquals(3 * res * res, cond.length);
            BufferedImage picture = userPicture(pose);
            // Pipeline: InputImages.prepare for a decoded picture, InputImages.read for a file (the CLI)
            float[] prepared = InputImages.prepare(picture, "picture of prop " + seed, res).chw();
            Path png = dir.resolve(seed + ".png");
            ImageIO.write(picture, "png", png.toFile());
            float[] read = InputImages.read(png, res).chw();
            assertArrayEquals(prepared, read, 0f, "a PNG of the picture prepares as the picture does");
            int object = 0;
            for (int i = 0; i < cond.length; i++) {
                int ii = i;
                assertEquals(prepared[i], cond[i], TOLERANCE, () -> "prop " + seed + ", value " + ii);
                if (prepared[i] < 0.9f) {
                    object++;
                }
            }
            assertTrue(object > cond.length / 10, "the object fills part of the picture: " + object);
            // and the old condition, the rig's uncropped render, is not that: the test would catch a return to it
            float[] uncropped = EvaluateTool.inputImage(pose.canonicalMesh(), EvaluateTool.inputCamera(pose, res));
            double diff = 0;
            for (int i = 0; i < cond.length; i++) {
                diff = Math.max(diff, Math.abs(uncropped[i] - prepared[i]));
            }
            assertTrue(diff > 10 * TOLERANCE, "the uncropped render differs from the prepared picture by " + diff);
            // the training data stores the same condition
            byte[] stored = RenderedProp.render(seed, res, MeshRasterizer.DEFAULT_SUPERSAMPLE).cond();
            assertArrayEquals(EvaluateTool.planarSigned(stored, res), cond, 0f);
        }
    }

    @Test
    void planarSignedMapsBytesToTheConditionRange() {
        byte[] four = new byte[12];
        for (int i = 0; i < 12; i++) {
            four[i] = (byte) (i * 20);
        }
        float[] chw = EvaluateTool.planarSigned(four, 2);
        // pixel p, channel c at c·4 + p; byte at 3p + c
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(2f * (3 * p + c) * 20 / 255f - 1f, chw[c * 4 + p], 1e-6f);
            }
        }
        assertEquals(-1f, EvaluateTool.planarSigned(new byte[3], 1)[0]);
        assertEquals(1f, EvaluateTool.planarSigned(new byte[] {-1, -1, -1}, 1)[2]);
        assertThrows(IllegalArgumentException.class, () -> EvaluateTool.planarSigned(new byte[6], 1));
    }
}
