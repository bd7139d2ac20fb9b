package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.light.AmbientLight;
import com.jme3.light.DirectionalLight;
import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.shape.Box;
import io.github.gen3d.testing.HeadlessApp;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hot-loading seen on screen (GL, under Xvfb): while the job runs, the placeholder (wire cube, progress bar,
 * billboard of the current estimate) stands where the prop goes; then the prop replaces it. Saves
 * {@code target/test-images/hot-loading.png} (running | done).
 */
@Timeout(180)
class GpuHotLoadTest {
    static final int W = 480;
    static final int H = 360;

    static int count(BufferedImage img, java.util.function.IntPredicate rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (rgb.test(img.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    static boolean cyan(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return b > 200 && g > 150 && r < 130;
    }

    static boolean red(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return r > 200 && r - g > 60 && r - b > 60;
    }

    static boolean green(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return g > 200 && r < 140 && b < 150;
    }

    @Test
    void thePlaceholderShowsProgressAndThePropReplacesIt() throws Exception {
        StandInEngine engine = new StandInEngine();
        engine.callDelayMillis = 60;
        AssetGenerationState state = new AssetGenerationState(AssetGenerator.Options.defaults(), () -> engine);
        BufferedImage running;
        BufferedImage done;
        try (HeadlessApp gl = HeadlessApp.start(W, H, 120_000)) {
            Node[] world = new Node[1];
            gl.run(app -> {
                app.getCamera().setFrustumPerspective(45, (float) W / H, 0.1f, 100f);
                app.getCamera().setLocation(new Vector3f(0, 1.2f, 3.2f));
                app.getCamera().lookAt(new Vector3f(0, 0.4f, 0), Vector3f.UNIT_Y);
                app.getViewPort().setBackgroundColor(new ColorRGBA(0.2f, 0.22f, 0.25f, 1));
                Geometry ground = new Geometry("ground", new Box(3, 0.05f, 3));
                Material m = new Material(app.getAssetManager(), "Common/MatDefs/Light/Lighting.j3md");
                m.setBoolean("UseMaterialColors", true);
                m.setColor("Diffuse", new ColorRGBA(0.45f, 0.5f, 0.4f, 1));
                m.setColor("Ambient", new ColorRGBA(0.45f, 0.5f, 0.4f, 1));
                ground.setMaterial(m);
                ground.setLocalTranslation(0, -0.55f, 0);
                app.getRootNode().attachChild(ground);
                app.getRootNode().addLight(new AmbientLight(new ColorRGBA(0.4f, 0.4f, 0.4f, 1)));
                app.getRootNode().addLight(new DirectionalLight(new Vector3f(-0.4f, -1, -0.5f).normalizeLocal()));
                world[0] = app.getRootNode();
                app.getStateManager().attach(state);
            });
            gl.renderUntil(app -> state.isInitialized(), "the state initialises");
            GenerationJob job = gl.call(app -> state.generate(GenerationRequest.builder()
                    .image(AssetGeneratorTest.picture(Color.RED), "red").steps(20).guidance(2).name("red-prop")
                    .attachTo(world[0], new Transform(new Vector3f(0, 0, 0))).build()));
            gl.renderUntil(app -> job.progress().step() >= 6, "a few steps done");
            gl.renderFrames(2);
            running = gl.capture();
            state.nodeOf(job).get(60, TimeUnit.SECONDS);
            gl.renderFrames(3);
            done = gl.capture();
            gl.run(app -> app.getStateManager().detach(state));
            gl.renderFrames(2);
        }
        BufferedImage both = new BufferedImage(2 * W, H, BufferedImage.TYPE_INT_RGB);
        both.getGraphics().drawImage(running, 0, 0, null);
        both.getGraphics().drawImage(done, W, 0, null);
        HeadlessApp.savePng(both, "hot-loading");
        assertTrue(count(running, GpuHotLoadTest::cyan) > 200, "the wire cube shows while running");
        assertTrue(count(running, GpuHotLoadTest::green) > 30, "the progress bar shows");
        assertTrue(count(running, GpuHotLoadTest::red) > 100, "the billboard shows the red estimate");
        assertTrue(count(done, GpuHotLoadTest::cyan) < 20, "the placeholder is gone");
        assertTrue(count(done, GpuHotLoadTest::red) > 1000, "the red prop stands there");
    }
}
