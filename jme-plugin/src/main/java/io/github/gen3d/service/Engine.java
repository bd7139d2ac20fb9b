package io.github.gen3d.service;

import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import java.util.List;

/**
 * The models behind the service, on one device: what {@link Pipeline} needs from a model bundle. The real one is
 * {@link BundleEngine}; tests plug in analytic stand-ins. Called from one worker thread at a time.
 */
interface Engine extends AutoCloseable {
    /** @return the bundle's name (not null) */
    String name();

    /** @return the bundle's version (not null) */
    String version();

    /** @return what identifies the models' content, for cache keys (not null): {@code ModelBundle.fingerprint()} */
    String fingerprint();

    /** @return "cpu" or "gpu" (not null) */
    String device();

    /** @return CPU threads one job may use (the rasterizer inside the sampler, mesh extraction) */
    int threads();

    /** @return the input picture's side in pixels, which is also the view size */
    int resolution();

    /** @return the guidance scale for requests that leave it open: {@code ModelBundle.recommendedGuidance()} */
    float guidance();

    /** @return the category names the front end can draw, in label order (not null, may be empty) */
    List<String> categories();

    /**
     * @param settings how to sample (not null)
     * @return a sampler over the engine's models (not null)
     * @throws Exception when the settings do not fit the models
     */
    SynergySampler sampler(SamplerSettings settings) throws Exception;

    /**
     * Draws an input picture for a category.
     *
     * @param label index into {@link #categories()}
     * @param seed the seed
     * @param steps DDIM steps
     * @param guidance classifier-free guidance scale
     * @return a planar RGB picture in [−1, 1], {@code 3×resolution×resolution} (not null)
     * @throws UnsupportedOperationException when there is no front end
     */
    float[] drawInput(int label, long seed, int steps, float guidance);

    /** Releases the models (native memory); idempotent. */
    @Override
    void close();
}
