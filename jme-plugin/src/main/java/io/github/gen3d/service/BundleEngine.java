package io.github.gen3d.service;

import com.jme3.math.ColorRGBA;
import io.github.gen3d.diffusion.RasterViewRenderer;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.model.BundleFrontEnd;
import io.github.gen3d.model.BundleSamplers;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.model.ModelBundleException;
import io.github.gen3d.render.RenderOptions;
import java.util.List;
import java.util.logging.Logger;

/** The engine of a loaded {@link ModelBundle}: its denoiser, reconstructor and (optional) front end. */
final class BundleEngine implements Engine {
    private static final Logger LOG = Logger.getLogger(BundleEngine.class.getName());

    private final ModelBundle bundle;
    private final BundleFrontEnd frontEnd;
    private final int resolution;
    private final int threads;

    /**
     * Call on the thread that will run the models: it sets PyTorch's CPU threads for it.
     *
     * @param bundle the loaded bundle (not null); the engine owns it and closes it
     * @param threads CPU threads for one job (PyTorch intra-op, the sampler's rasterizer, mesh extraction)
     * @throws ModelBundleException when the bundle has no usable denoiser and reconstructor
     */
    BundleEngine(ModelBundle bundle, int threads) throws ModelBundleException {
        this.bundle = bundle;
        this.threads = threads;
        if (!bundle.onGpu()) {
            bundle.useCpuThreads(threads);
        }
        // builds (and so checks) the default sampler once, and learns the view size from it
        SynergySampler probe = sampler(SamplerSettings.defaults());
        resolution = probe.targetCameras().get(0).width();
        BundleFrontEnd fe = null;
        if (bundle.componentNames().contains("frontend")) {
            fe = BundleFrontEnd.of(bundle);
            if (fe.resolution() != resolution) {
                throw new ModelBundleException(bundle.name(), "frontend", "the front end draws " + fe.resolution()
                        + " px pictures but the denoiser's views are " + resolution + " px");
            }
        } else {
            LOG.info("model bundle '" + bundle.name() + "' has no front end: only picture requests are possible");
        }
        frontEnd = fe;
    }

    @Override
    public String name() {
        return bundle.name();
    }

    @Override
    public String version() {
        return bundle.version();
    }

    @Override
    public String fingerprint() {
        return bundle.fingerprint();
    }

    @Override
    public String device() {
        return bundle.onGpu() ? "gpu" : "cpu";
    }

    @Override
    public int resolution() {
        return resolution;
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public float guidance() {
        return bundle.recommendedGuidance();
    }

    @Override
    public List<String> categories() {
        return frontEnd == null ? List.of() : frontEnd.labels();
    }

    @Override
    public SynergySampler sampler(SamplerSettings settings) throws ModelBundleException {
        return BundleSamplers.create(bundle, null, null, new RasterViewRenderer(ColorRGBA.White,
                RenderOptions.defaults().withThreads(threads)), settings);
    }

    @Override
    public float[] drawInput(int label, long seed, int steps, float guidance) {
        if (frontEnd == null) {
            throw new UnsupportedOperationException("model bundle '" + bundle.name()
                    + "' has no front end to draw a picture for a category");
        }
        return frontEnd.draw(label, seed, steps, guidance);
    }

    @Override
    public void close() {
        bundle.close();
    }

    @Override
    public String toString() {
        return "BundleEngine[" + bundle + "]";
    }
}
