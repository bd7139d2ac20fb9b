package io.github.gen3d.model;

import io.github.gen3d.diffusion.DdimScheduler;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SchedulerConfig;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.diffusion.RasterViewRenderer;
import io.github.gen3d.diffusion.ViewRenderer;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds a ready {@link SynergySampler} from a loaded {@link ModelBundle}: the bundle's denoiser and reconstructor
 * behind {@link BundleDenoiser} and {@link BundleReconstructor}, the scheduler the denoiser was trained with, and
 * every size checked against the settings before the first step.
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.load(Path.of("models/my-bundle"))) {
 *     SynergySampler sampler = BundleSamplers.create(bundle, SamplerSettings.defaults());
 *     SampleResult r = sampler.sample(SampleRequest.of(Condition.image(rgb, 3, 256, 256), 42), null, null);
 *     GaussianCloud cloud = r.gaussians();
 * }
 * }</pre>
 *
 * <p><b>Scheduler</b>: the denoiser's {@code "scheduler"} object in bundle.json when it has one (it replaces the
 * settings' scheduler, logged at INFO when they differ); otherwise the settings' scheduler
 * ({@link SamplerSettings#defaults()}: diffusers' {@code DDIMScheduler()} defaults) with the denoiser's prediction
 * type. To sample with another schedule than the bundle's, build the sampler yourself:
 * {@code new SynergySampler(BundleDenoiser.of(bundle), BundleReconstructor.of(bundle), null, settings)}.
 *
 * <p><b>Refinement</b>: when the settings leave {@link SamplerSettings#refinement()} null, the bundle's
 * {@code "sampler": {"refinement": …}} recommendation, if it has one ({@link SamplerSettings.Refinement#FULL}
 * otherwise); a refinement set in the settings is kept.
 *
 * <p>The sampler uses the bundle's components; close the bundle only after sampling.
 */
public final class BundleSamplers {
    private static final Logger LOG = Logger.getLogger(BundleSamplers.class.getName());
    /** The bundle/component/settings combinations whose scheduler substitution has been logged. */
    static final java.util.Set<String> SCHEDULER_NOTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private BundleSamplers() {
    }

    /**
     * A sampler from the bundle's denoiser and reconstructor (chosen by role) with the default CPU renderer.
     *
     * @param bundle the loaded bundle (not null; must stay open while the sampler is used)
     * @param settings the settings (not null); its scheduler is replaced by the bundle's when it declares one
     * @return the sampler (not null)
     * @throws ModelBundleException naming the bundle and component when a component is missing or ambiguous or its
     *     contract does not fit the settings (see {@link #create(ModelBundle, String, String, ViewRenderer,
     *     SamplerSettings)})
     */
    public static SynergySampler create(ModelBundle bundle, SamplerSettings settings) throws ModelBundleException {
        return create(bundle, null, null, null, settings);
    }

    /**
     * A sampler from named components and a renderer.
     *
     * <p>Checked, each failure a {@link ModelBundleException} naming the bundle and the component: the components
     * exist and have the right roles and mappable contracts; the target cameras (the settings' or the default rig)
     * are no more than the denoiser's views and of its size; the no-2D-prior ablation has a camera for every view;
     * the reconstructor takes that many views of the denoiser's channels and size; the default renderer gets RGB;
     * every timestep the DDIM schedule visits lies within the range both components declare for {@code t}; with
     * guidance, the denoiser's class-label input (if any) accepts the null label −1 and its image input (if any)
     * accepts zeros.
     *
     * @param bundle the loaded bundle (not null; must stay open while the sampler is used)
     * @param denoiser the denoiser component's name, or null to choose by role
     * @param reconstructor the reconstructor component's name, or null to choose by role
     * @param renderer renders Gaussians into view space (null: the default CPU rasterizer, RGB on white)
     * @param settings the settings (not null); its scheduler is replaced by the bundle's when it declares one
     * @return the sampler (not null)
     * @throws ModelBundleException as described
     */
    public static SynergySampler create(ModelBundle bundle, String denoiser, String reconstructor,
            ViewRenderer renderer, SamplerSettings settings) throws ModelBundleException {
        if (bundle == null || settings == null) {
            throw new IllegalArgumentException("bundle and settings must not be null");
        }
        BundleDenoiser d = denoiser == null ? BundleDenoiser.of(bundle) : BundleDenoiser.of(bundle, denoiser);
        BundleReconstructor r = reconstructor == null ? BundleReconstructor.of(bundle)
                : BundleReconstructor.of(bundle, reconstructor);
        String name = bundle.name();
        String dn = d.component().name();
        String rn = r.component().name();

        SchedulerConfig own = settings.scheduler().withPredictionType(d.predictionType());
        SchedulerConfig cfg = d.component().scheduler();
        if (cfg == null) {
            cfg = own;
        } else if (!cfg.equals(own) && LOG.isLoggable(Level.INFO)
                && SCHEDULER_NOTED.add(bundle.fingerprint() + "/" + dn + "/" + settings.scheduler())) {
            // once per bundle, component and settings, not on every request
            LOG.info("model bundle '" + name + "', component '" + dn + "': sampling with the bundle's scheduler "
                    + cfg + " instead of the settings' " + settings.scheduler());
        }
        SamplerSettings s;
        int[] timesteps;
        try {
            s = settings.withScheduler(cfg);
            if (s.refinement() == null && bundle.refinement() != null) {
                s = s.withRefinement(bundle.refinement());
            }
            timesteps = new DdimScheduler(cfg, s.steps()).timesteps();
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(name, dn, "the settings do not fit the scheduler " + cfg + ": "
                    + e.getMessage(), e);
        }

        List<PinholeCamera> cameras = s.targetCameras() != null ? s.targetCameras()
                : ViewRig.targetViews(d.width(), d.height());
        if (cameras.size() > d.viewCount()) {
            throw new ModelBundleException(name, dn, "the sampler has " + cameras.size() + " target cameras"
                    + (s.targetCameras() == null ? " (the default rig)" : "") + " but the denoiser has "
                    + d.viewCount() + " views");
        }
        for (int k = 0; k < cameras.size(); k++) {
            PinholeCamera c = cameras.get(k);
            if (c.width() != d.width() || c.height() != d.height()) {
                throw new ModelBundleException(name, dn, "target camera " + k + " is " + c.width() + "x"
                        + c.height() + " but the denoiser's views are " + d.width() + "x" + d.height());
            }
        }
        if (s.mode() == SamplerSettings.Mode.NO_2D_PRIOR && cameras.size() != d.viewCount()) {
            throw new ModelBundleException(name, dn, "the no-2D-prior ablation needs a target camera for each of"
                    + " the denoiser's " + d.viewCount() + " views, got " + cameras.size());
        }
        if (r.viewCount() > 0 && r.viewCount() != cameras.size()) {
            throw new ModelBundleException(name, rn, "the reconstructor takes " + r.viewCount() + " views but the"
                    + " sampler has " + cameras.size() + " target cameras");
        }
        if (r.channels() != d.channels() || r.height() != d.height() || r.width() != d.width()) {
            throw new ModelBundleException(name, rn, "the reconstructor takes views of " + r.channels() + "x"
                    + r.height() + "x" + r.width() + " but the denoiser's are " + d.channels() + "x" + d.height()
                    + "x" + d.width());
        }
        if ((renderer == null || renderer instanceof RasterViewRenderer) && d.channels() != 3) {
            throw new ModelBundleException(name, dn, "the views have " + d.channels() + " channels; the default"
                    + " renderer makes RGB, so latent-space models need their own ViewRenderer");
        }
        checkTimesteps(name, d.component(), timesteps);
        checkTimesteps(name, r.component(), timesteps);
        boolean nullBranch = s.guidanceScale() != 1f && s.mode() != SamplerSettings.Mode.NO_2D_PRIOR;
        if (nullBranch) {
            checkNullBranch(name, d);
        }
        try {
            return new SynergySampler(d, r, renderer, s);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(name, null, "cannot build the sampler: " + e.getMessage(), e);
        }
    }

    private static void checkTimesteps(String bundle, ModelComponent c, int[] timesteps)
            throws ModelBundleException {
        TensorSpec t = c.inputs().get(1);
        for (int ts : timesteps) {
            if (ts < t.min() || ts > t.max()) {
                throw new ModelBundleException(bundle, c.name(), "the schedule visits timestep " + ts + " but input "
                        + t + " does not admit it");
            }
        }
    }

    private static void checkNullBranch(String bundle, BundleDenoiser d) throws ModelBundleException {
        ModelComponent c = d.component();
        for (TensorSpec s : c.inputs().subList(2, c.inputs().size())) {
            boolean label = s.rank() == 1;
            double nul = label ? ContractMapping.NO_LABEL : 0;
            if (nul < s.min() || nul > s.max()) {
                throw new ModelBundleException(bundle, c.name(), "guidance needs an unconditional branch, which"
                        + " passes " + (label ? "the null label -1" : "an all-zero image") + ", but input " + s
                        + " does not admit it (use guidance scale 1, or widen the range and handle it in the"
                        + " export)");
            }
        }
        if (!d.takesImage() && !d.takesClassLabel() && LOG.isLoggable(Level.WARNING)) {
            LOG.warning("model bundle '" + bundle + "', component '" + c.name() + "' takes no condition: guidance"
                    + " changes nothing but doubles the denoiser's work; use guidance scale 1");
        }
    }

    /**
     * The component with a role: the only one, or, among several, the one named like the role.
     *
     * @param bundle the bundle (not null)
     * @param role {@code denoiser} or {@code reconstructor}
     * @return the component (not null)
     * @throws ModelBundleException if there is none or several without one named like the role
     */
    static ModelComponent byRole(ModelBundle bundle, String role) throws ModelBundleException {
        List<ModelComponent> found = new ArrayList<>();
        for (String n : bundle.componentNames()) {
            ModelComponent c = bundle.component(n);
            if (role.equals(c.role())) {
                found.add(c);
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        for (ModelComponent c : found) {
            if (c.name().equals(role)) {
                return c;
            }
        }
        List<String> names = new ArrayList<>();
        found.forEach(c -> names.add(c.name()));
        throw new ModelBundleException(bundle.name(), null, found.isEmpty() ? "has no component with role " + role
                : "has several components with role " + role + " " + names + " and none named \"" + role
                + "\"; name the one to use");
    }
}
