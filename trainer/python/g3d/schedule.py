"""The noise schedule shared by training and the exported bundle.json (diffusers' DDIMScheduler names)."""
import math

import torch

TRAIN_STEPS = 1000

SCHEDULER_JSON = {
    "_class_name": "DDIMScheduler",
    "num_train_timesteps": TRAIN_STEPS,
    "beta_schedule": "squaredcos_cap_v2",
    "prediction_type": "v_prediction",
    "timestep_spacing": "trailing",
    "steps_offset": 0,
    "set_alpha_to_one": False,
    # no x0 clipping at sampling time: diffusers' DDIM clips x0 but keeps the unclipped epsilon, and with this
    # v-prediction model that mix drove 2D samples off course (about 9 dB instead of 20 dB per view, docs/model.md);
    # the reconstructor clamps its x0 input itself (export.py), as in training
    "clip_sample": False,
    "clip_sample_range": 1.0,
}


def alphas_cumprod(n=TRAIN_STEPS, max_beta=0.999):
    """diffusers' betas_for_alpha_bar with the cosine alpha-bar (squaredcos_cap_v2), as cumulative products."""

    def bar(t):
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = [min(1 - bar((i + 1) / n) / bar(i / n), max_beta) for i in range(n)]
    a = torch.cumprod(1.0 - torch.tensor(betas, dtype=torch.float64), dim=0)
    return a.float()


def _coefficients(ab, like):
    """sqrt(ab) and sqrt(1 - ab) for per-sample alpha-bar ab [B], shaped to broadcast over `like`'s other dims."""
    shape = (-1, *([1] * (like.dim() - 1)))
    return ab.sqrt().reshape(shape), (1 - ab).sqrt().reshape(shape)


def add_noise(x0, noise, ab):
    """x_t and the v target for per-sample alpha-bar ab [B] (broadcast over the other dims)."""
    s, r = _coefficients(ab, x0)
    return s * x0 + r * noise, s * noise - r * x0


def eps_from_x0(xt, x0, ab):
    """The noise that x_t = sqrt(ab) x0 + sqrt(1 - ab) eps implies for a given x0 (DDIM's epsilon for a sample)."""
    s, r = _coefficients(ab, xt)
    return (xt - s * x0) / r


def x0_from_v(xt, v, ab):
    s, r = _coefficients(ab, xt)
    return s * xt - r * v
