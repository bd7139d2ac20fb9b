package io.github.gen3d.bench;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.RasterViewRenderer;
import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.image.InputImages;
import io.github.gen3d.model.BundleSamplers;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.TestClouds;
import io.github.gen3d.render.ViewFit;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sampler's input fit ({@link ViewFit#fitToInput} with its defaults: 31 elevations searched, 30 Gauss–Newton
 * steps on colours and opacities), the rig's 4 target views at 64×64 as anchors, on two clouds of 16,384 Gaussians:
 * <ul>
 *   <li>{@code source=barrel}: what the shipped default bundle generates from {@code assets/Samples/barrel.png}
 *       (synergy, 50 DDIM steps, guidance 3, seed 0, no fit), fitted to that picture, as in the generator;</li>
 *   <li>{@code source=random}: random Gaussians (seed 1, SH degree 0, centres in a cube of half-edge 0.35, scales
 *       0.01–0.03) fitted to a render on white of another random cloud (seed 2) at elevation 12°: a harder case,
 *       since every pixel is covered by many Gaussians, all of them visible.</li>
 * </ul>
 *
 * <p>Run: {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec
 * -Dbench.args='ViewFitBench -f 1 -wi 2 -i 5'} (each {@code source} alone:
 * {@code -p source=barrel})}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ViewFitBench {
    /** Which cloud and picture. */
    @Param({"barrel", "random"})
    public String source;
    private GaussianCloud cloud;
    private float[] picture;
    private List<PinholeCamera> anchors;

    /** Builds the cloud, the picture and the cameras. */
    @Setup
    public void setup() throws Exception {
        anchors = ViewRig.targetViews(64, 64);
        if (source.equals("barrel")) {
            Path assets = Files.isDirectory(Path.of("assets")) ? Path.of("assets") : Path.of("..", "assets");
            try (ModelBundle bundle = ModelBundle.load(assets.resolve("Models/gen3d-default"))) {
                picture = InputImages.read(assets.resolve("Samples/barrel.png"), 64).chw();
                SynergySampler sampler = BundleSamplers.create(bundle,
                        SamplerSettings.defaults().withGuidanceScale(3f));
                cloud = sampler.sample(SampleRequest.of(Condition.image(picture, 3, 64, 64), 0), null, () -> false)
                        .gaussians();
            }
            return;
        }
        cloud = TestClouds.random(16_384, 0, 0.35f, 0.01f, 0.03f, 1);
        GaussianCloud other = TestClouds.random(16_384, 0, 0.35f, 0.01f, 0.03f, 2);
        PinholeCamera cam = ViewRig.views(new float[] {0f}, new float[] {12f}, ViewRig.RADIUS,
                ViewRig.FOV_Y_DEGREES, 64, 64).get(0);
        picture = RasterViewRenderer.whiteBackground().render(other, List.of(cam), 3);
    }

    /** @return the fit with the defaults the sampler uses */
    @Benchmark
    public ViewFit.Result fitDefaults() {
        return ViewFit.fitToInput(cloud, picture, anchors, ViewFit.Settings.defaults());
    }
}
