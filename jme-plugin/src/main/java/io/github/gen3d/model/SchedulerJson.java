package io.github.gen3d.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.SchedulerConfig;
import io.github.gen3d.diffusion.SchedulerConfig.BetaSchedule;
import io.github.gen3d.diffusion.SchedulerConfig.TimestepSpacing;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a denoiser component's optional {@code "scheduler"} object: the noise schedule the network was trained with,
 * in the key names and with the defaults of HuggingFace diffusers' {@code DDIMScheduler} config, so a model's
 * {@code scheduler_config.json} can be pasted in. Keys that only matter to other diffusers schedulers are accepted and
 * ignored; features this runtime does not implement must be off; anything else is an error (a typo would otherwise
 * change the schedule silently).
 */
final class SchedulerJson {
    /** Read into the configuration. */
    private static final Set<String> USED = Set.of("num_train_timesteps", "beta_schedule", "beta_start", "beta_end",
            "prediction_type", "timestep_spacing", "steps_offset", "set_alpha_to_one", "clip_sample",
            "clip_sample_range", "trained_betas", "thresholding", "rescale_betas_zero_snr");
    /** Accepted and ignored: PNDM's, DDPM's variance, and thresholding's parameters (thresholding must be off). */
    private static final Set<String> IGNORED = Set.of("skip_prk_steps", "variance_type", "dynamic_thresholding_ratio",
            "sample_max_value");

    private SchedulerJson() {
    }

    /**
     * Parses the object.
     *
     * @param o the {@code "scheduler"} object (not null, unaffected)
     * @param prediction the component's declared {@code prediction} (not null)
     * @param bundle bundle name, for messages
     * @param component component name, for messages
     * @return the configuration with the component's prediction type (not null)
     * @throws ModelBundleException for an unknown key, a wrong type, an unsupported feature or an invalid value
     */
    static SchedulerConfig parse(JsonObject o, String prediction, String bundle, String component)
            throws ModelBundleException {
        for (String k : o.keySet()) {
            if (!k.startsWith("_") && !USED.contains(k) && !IGNORED.contains(k)) {
                Set<String> known = new TreeSet<>(USED);
                known.addAll(IGNORED);
                throw error(bundle, component, "has an unknown key \"" + k + "\" (known: " + known
                        + ", and keys starting with '_')");
            }
        }
        SchedulerConfig d = SchedulerConfig.defaults();
        PredictionType type = PredictionType.fromId(prediction);
        String declared = string(o, "prediction_type", prediction, bundle, component);
        if (!declared.equals(prediction)) {
            throw error(bundle, component, "prediction_type is \"" + declared + "\" but the component's"
                    + " \"prediction\" is \"" + prediction + "\"");
        }
        if (o.has("trained_betas") && !o.get("trained_betas").isJsonNull()) {
            throw error(bundle, component, "trained_betas is not supported (use a named beta_schedule)");
        }
        if (bool(o, "thresholding", false, bundle, component)) {
            throw error(bundle, component, "thresholding (dynamic thresholding) is not supported");
        }
        if (bool(o, "rescale_betas_zero_snr", false, bundle, component)) {
            throw error(bundle, component, "rescale_betas_zero_snr is not supported");
        }
        int trainSteps = (int) integer(o, "num_train_timesteps", d.numTrainTimesteps(), 1,
                SchedulerConfig.MAX_TRAIN_TIMESTEPS, bundle, component);
        BetaSchedule schedule;
        String scheduleName = string(o, "beta_schedule", "linear", bundle, component);
        switch (scheduleName) {
            case "linear":
                schedule = BetaSchedule.LINEAR;
                break;
            case "scaled_linear":
                schedule = BetaSchedule.SCALED_LINEAR;
                break;
            case "squaredcos_cap_v2":
                schedule = BetaSchedule.SQUAREDCOS_CAP_V2;
                break;
            default:
                throw error(bundle, component, "unsupported beta_schedule \"" + scheduleName
                        + "\" (supported: linear, scaled_linear, squaredcos_cap_v2)");
        }
        TimestepSpacing spacing;
        String spacingName = string(o, "timestep_spacing", "leading", bundle, component);
        switch (spacingName) {
            case "leading":
                spacing = TimestepSpacing.LEADING;
                break;
            case "trailing":
                spacing = TimestepSpacing.TRAILING;
                break;
            case "linspace":
                spacing = TimestepSpacing.LINSPACE;
                break;
            default:
                throw error(bundle, component, "unsupported timestep_spacing \"" + spacingName
                        + "\" (supported: leading, trailing, linspace)");
        }
        double betaStart = number(o, "beta_start", d.betaStart(), bundle, component);
        double betaEnd = number(o, "beta_end", d.betaEnd(), bundle, component);
        int offset = (int) integer(o, "steps_offset", d.stepsOffset(), 0, Integer.MAX_VALUE, bundle, component);
        boolean alphaToOne = bool(o, "set_alpha_to_one", d.setAlphaToOne(), bundle, component);
        boolean clip = bool(o, "clip_sample", d.clipSample(), bundle, component);
        double clipRange = number(o, "clip_sample_range", d.clipSampleRange(), bundle, component);
        try {
            return new SchedulerConfig(trainSteps, schedule, betaStart, betaEnd, type, spacing, offset, alphaToOne,
                    clip, clipRange);
        } catch (IllegalArgumentException e) {
            throw error(bundle, component, e.getMessage());
        }
    }

    private static ModelBundleException error(String bundle, String component, String problem) {
        return new ModelBundleException(bundle, component, "bundle.json: scheduler " + problem);
    }

    private static JsonPrimitive primitive(JsonObject o, String key, String bundle, String component)
            throws ModelBundleException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw error(bundle, component, key + " must be a string, number or boolean, got " + e);
        }
        return e.getAsJsonPrimitive();
    }

    private static String string(JsonObject o, String key, String dflt, String bundle, String component)
            throws ModelBundleException {
        JsonPrimitive p = primitive(o, key, bundle, component);
        if (p == null) {
            return dflt;
        }
        if (!p.isString()) {
            throw error(bundle, component, key + " must be a string, got " + p);
        }
        return p.getAsString();
    }

    private static boolean bool(JsonObject o, String key, boolean dflt, String bundle, String component)
            throws ModelBundleException {
        JsonPrimitive p = primitive(o, key, bundle, component);
        if (p == null) {
            return dflt;
        }
        if (!p.isBoolean()) {
            throw error(bundle, component, key + " must be true or false, got " + p);
        }
        return p.getAsBoolean();
    }

    private static double number(JsonObject o, String key, double dflt, String bundle, String component)
            throws ModelBundleException {
        JsonPrimitive p = primitive(o, key, bundle, component);
        if (p == null) {
            return dflt;
        }
        double v;
        try {
            v = p.isNumber() ? p.getAsDouble() : Double.NaN;
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw error(bundle, component, key + " must be a finite number, got " + p);
        }
        return v;
    }

    private static long integer(JsonObject o, String key, long dflt, long min, long max, String bundle,
            String component) throws ModelBundleException {
        if (primitive(o, key, bundle, component) == null) {
            return dflt;
        }
        double v = number(o, key, dflt, bundle, component);
        if (v != Math.rint(v) || v < min || v > max) {
            throw error(bundle, component, key + " must be an integer in [" + min + ", " + max + "], got "
                    + o.get(key));
        }
        return (long) v;
    }
}
