package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.SchedulerConfig;
import io.github.gen3d.diffusion.SchedulerConfig.BetaSchedule;
import io.github.gen3d.diffusion.SchedulerConfig.TimestepSpacing;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A denoiser's "scheduler" object in bundle.json: diffusers' keys and defaults, strict about the rest. */
class SchedulerJsonTest {
    private static final String SHA = "0".repeat(64);

    private static String bundle(String role, String prediction, String scheduler) {
        return "{\"format\":\"gen3d-model-bundle\",\"formatVersion\":1,\"name\":\"s\",\"version\":\"1\","
                + "\"licence\":\"x\",\"files\":{\"d.pt\":\"" + SHA + "\"},\"components\":{\"d\":{\"role\":\"" + role
                + "\",\"backend\":\"torchscript\",\"file\":\"d.pt\","
                + (prediction == null ? "" : "\"prediction\":\"" + prediction + "\",")
                + (scheduler == null ? "" : "\"scheduler\":" + scheduler + ",")
                + "\"inputs\":[{\"name\":\"x\",\"shape\":[\"batch\",4,3,8,8],\"dtype\":\"float32\"},"
                + "{\"name\":\"t\",\"shape\":[\"batch\"],\"dtype\":\"int64\"}],"
                + "\"outputs\":[{\"name\":\"y\",\"shape\":[\"batch\",4,3,8,8],\"dtype\":\"float32\"}]}}}";
    }

    private static SchedulerConfig parse(String prediction, String scheduler) throws ModelBundleException {
        return BundleManifest.parse(bundle("denoiser", prediction, scheduler).getBytes(StandardCharsets.UTF_8), "t")
                .components.get("d").scheduler;
    }

    private static String fails(String prediction, String scheduler) {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> parse(prediction, scheduler));
        assertTrue(e.getMessage().startsWith("model bundle 's', component 'd': bundle.json: scheduler"),
                e.getMessage());
        return e.getMessage();
    }

    @Test
    void stableDiffusionsSchedulerConfigJsonReadsAsIs() throws ModelBundleException {
        // the scheduler_config.json that Stable Diffusion 1.5 publishes (a PNDMScheduler config), verbatim keys
        String sd = "{\"_class_name\":\"PNDMScheduler\",\"_diffusers_version\":\"0.6.0\",\"beta_end\":0.012,"
                + "\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,\"num_train_timesteps\":1000,"
                + "\"set_alpha_to_one\":false,\"skip_prk_steps\":true,\"steps_offset\":1,\"trained_betas\":null,"
                + "\"clip_sample\":false}";
        assertEquals(new SchedulerConfig(1000, BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, PredictionType.EPSILON,
                TimestepSpacing.LEADING, 1, false, false, 1.0), parse("epsilon", sd));
    }

    @Test
    void missingKeysTakeDiffusersDdimDefaults() throws ModelBundleException {
        // DDIMScheduler(): 1000 steps, linear 1e-4..0.02, leading, offset 0, set_alpha_to_one, clip to +-1
        assertEquals(new SchedulerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, PredictionType.V_PREDICTION,
                TimestepSpacing.LEADING, 0, true, true, 1.0), parse("v_prediction", "{}"));
        assertEquals(new SchedulerConfig(500, BetaSchedule.SQUAREDCOS_CAP_V2, 1e-4, 0.02, PredictionType.SAMPLE,
                TimestepSpacing.TRAILING, 0, true, true, 2.5), parse("sample", "{\"num_train_timesteps\":500,"
                + "\"beta_schedule\":\"squaredcos_cap_v2\",\"timestep_spacing\":\"trailing\","
                + "\"clip_sample_range\":2.5,\"prediction_type\":\"sample\",\"thresholding\":false,"
                + "\"rescale_betas_zero_snr\":false,\"sample_max_value\":1.0,\"dynamic_thresholding_ratio\":0.995}"));
        assertNull(BundleManifest.parse(bundle("denoiser", "epsilon", null).getBytes(StandardCharsets.UTF_8), "t")
                .components.get("d").scheduler);
    }

    @Test
    void whatCannotBeHonouredIsAnError() {
        assertTrue(fails("epsilon", "{\"beta_shedule\":\"linear\"}").contains("unknown key \"beta_shedule\""));
        assertTrue(fails("epsilon", "{\"prediction_type\":\"v_prediction\"}").contains("\"prediction\" is"));
        assertTrue(fails("epsilon", "{\"thresholding\":true}").contains("thresholding"));
        assertTrue(fails("epsilon", "{\"rescale_betas_zero_snr\":true}").contains("rescale_betas_zero_snr"));
        assertTrue(fails("epsilon", "{\"trained_betas\":[0.1,0.2]}").contains("trained_betas"));
        assertTrue(fails("epsilon", "{\"beta_schedule\":\"sigmoid\"}").contains("sigmoid"));
        assertTrue(fails("epsilon", "{\"timestep_spacing\":\"karras\"}").contains("karras"));
        assertTrue(fails("epsilon", "{\"steps_offset\":1.5}").contains("steps_offset"));
        assertTrue(fails("epsilon", "{\"clip_sample\":\"yes\"}").contains("clip_sample"));
        assertTrue(fails("epsilon", "{\"beta_start\":2}").contains("betaStart"));
        assertTrue(fails("epsilon", "{\"num_train_timesteps\":0}").contains("num_train_timesteps"));
        ModelBundleException notDenoiser = assertThrows(ModelBundleException.class, () -> BundleManifest.parse(
                bundle("other", null, "{}").getBytes(StandardCharsets.UTF_8), "t"));
        assertTrue(notDenoiser.getMessage().contains("\"scheduler\" only applies to role denoiser"),
                notDenoiser.getMessage());
    }
}
