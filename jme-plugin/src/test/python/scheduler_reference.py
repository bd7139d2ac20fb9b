#!/usr/bin/python3
"""Reference numbers for the Java schedulers (io.github.gen3d.diffusion), written independently of the Java code
from the formulas of HuggingFace diffusers' scheduling_ddim.py / scheduling_ddpm.py (numpy for the parts that
diffusers does with numpy: the timestep spacing). Everything is float64; the model inputs are first rounded to
float32 because the Java tests pass float arrays.

Run: /usr/bin/python3 jme-plugin/src/test/python/scheduler_reference.py   (Debian's numpy 1.24)
The printed values are pasted into DiffusionSchedulerTest as literals.
"""
import math
import numpy as np

T = 1000


def betas(schedule, start=1e-4, end=0.02, n=T):
    if schedule == "linear":
        return np.linspace(start, end, n, dtype=np.float64)
    if schedule == "scaled_linear":
        return np.linspace(start ** 0.5, end ** 0.5, n, dtype=np.float64) ** 2
    if schedule == "squaredcos_cap_v2":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)], dtype=np.float64)
    raise ValueError(schedule)


def alphas_cumprod(b):
    return np.cumprod(1.0 - b)


def timesteps(spacing, steps, offset=0, n=T):
    if spacing == "linspace":
        ts = np.linspace(0, n - 1, steps).round()[::-1].copy().astype(np.int64)
    elif spacing == "leading":
        ratio = n // steps
        ts = (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64)
        ts += offset
    elif spacing == "trailing":
        ratio = n / steps
        ts = np.round(np.arange(n, 0, -ratio)).astype(np.int64)
        ts -= 1
    return ts


def to_f32(xs):
    return np.array(xs, dtype=np.float32).astype(np.float64)


def ddim_step(ac, final_ac, steps, out, t, x, eta, z, pred, clip=True, clip_range=1.0, n=T):
    prev = t - n // steps
    a_t = ac[t]
    a_p = ac[prev] if prev >= 0 else final_ac
    b_t = 1 - a_t
    if pred == "epsilon":
        x0 = (x - b_t ** 0.5 * out) / a_t ** 0.5
        eps = out
    elif pred == "sample":
        x0 = out
        eps = (x - a_t ** 0.5 * x0) / b_t ** 0.5
    else:  # v_prediction
        x0 = a_t ** 0.5 * x - b_t ** 0.5 * out
        eps = a_t ** 0.5 * out + b_t ** 0.5 * x
    if clip:
        x0 = np.clip(x0, -clip_range, clip_range)
    var = (1 - a_p) / (1 - a_t) * (1 - a_t / a_p)
    std = eta * var ** 0.5
    prev_x = a_p ** 0.5 * x0 + (1 - a_p - std ** 2) ** 0.5 * eps
    if eta > 0:
        prev_x = prev_x + std * z
    return prev_x, x0


def ddpm_step(ac, ts, out, t, x, z, pred, variance_type="fixed_small", clip=True, clip_range=1.0):
    idx = list(ts).index(t)
    prev = ts[idx + 1] if idx + 1 < len(ts) else -1
    a_t = ac[t]
    a_p = ac[prev] if prev >= 0 else 1.0
    b_t = 1 - a_t
    b_p = 1 - a_p
    cur_a = a_t / a_p
    cur_b = 1 - cur_a
    if pred == "epsilon":
        x0 = (x - b_t ** 0.5 * out) / a_t ** 0.5
    elif pred == "sample":
        x0 = out
    else:
        x0 = a_t ** 0.5 * x - b_t ** 0.5 * out
    if clip:
        x0 = np.clip(x0, -clip_range, clip_range)
    mean = (a_p ** 0.5 * cur_b) / b_t * x0 + cur_a ** 0.5 * b_p / b_t * x
    if t > 0:
        if variance_type == "fixed_small":
            var = max((1 - a_p) / (1 - a_t) * cur_b, 1e-20)
        else:  # fixed_large
            var = cur_b
        mean = mean + var ** 0.5 * z
    return mean, x0


def show(name, arr):
    print(name, "=", "{" + ", ".join(repr(float(v)) for v in arr) + "}")


X = to_f32([0.5, -0.3, 1.2, -1.5, 0.05, 2.0])
E = to_f32([0.1, -0.2, 0.3, 0.05, -1.0, 0.7])
Z = to_f32([0.3, -0.7, 1.1, 0.0, -0.4, 0.9])

if __name__ == "__main__":
    print("# alphas_cumprod at t = 0, 1, 499, 999")
    for s, a, b in (("linear", 1e-4, 0.02), ("scaled_linear", 0.00085, 0.012), ("squaredcos_cap_v2", 0, 0)):
        ac = alphas_cumprod(betas(s, a, b))
        show(s, [ac[0], ac[1], ac[499], ac[999]])
    print("betas linear[500] =", repr(float(betas("linear")[500])),
          " scaled_linear[500] =", repr(float(betas("scaled_linear", 0.00085, 0.012)[500])))
    print("# timesteps")
    for sp, st, off in (("leading", 50, 0), ("leading", 50, 1), ("trailing", 50, 0), ("linspace", 50, 0),
                        ("leading", 7, 0), ("trailing", 7, 0), ("linspace", 7, 0), ("trailing", 30, 0),
                        ("leading", 3, 1)):
        print(sp, st, off, "=", "{" + ", ".join(str(int(v)) for v in timesteps(sp, st, off)) + "}")

    lin = alphas_cumprod(betas("linear"))
    print("len(np.arange(1000, 0, -1000 / 61)) =", len(np.arange(1000, 0, -1000 / 61)),
          "last =", repr(float(np.arange(1000, 0, -1000 / 61)[-1])))
    print("# DDIM, linear betas, 50 steps, t = 500 -> 480, clip_sample on (range 1)")
    for eta in (0.0, 1.0):
        p, x0 = ddim_step(lin, 1.0, 50, E, 500, X, eta, Z, "epsilon")
        show("ddim eps eta=%g prev" % eta, p)
        show("ddim eps eta=%g x0" % eta, x0)
    p, x0 = ddim_step(lin, 1.0, 50, E, 500, X, 0.0, Z, "v_prediction")
    show("ddim v eta=0 prev", p)
    show("ddim v eta=0 x0", x0)
    p, x0 = ddim_step(lin, 1.0, 50, E, 500, X, 0.5, Z, "sample", clip=False)
    show("ddim sample eta=0.5 noclip prev", p)
    sl = alphas_cumprod(betas("scaled_linear", 0.00085, 0.012))
    print("# DDIM, scaled_linear, 50 steps, leading, offset 1, set_alpha_to_one False: last step t = 1 -> -19")
    p, x0 = ddim_step(sl, sl[0], 50, E, 1, X, 0.0, Z, "epsilon", clip=False)
    show("ddim last step prev", p)
    p, x0 = ddim_step(sl, 1.0, 50, E, 1, X, 0.0, Z, "epsilon", clip=False)
    show("ddim last step alpha_one prev", p)
    print("# DDPM, linear, clip on")
    ts50 = timesteps("leading", 50, 0)
    p, x0 = ddpm_step(lin, ts50, E, 500, X, Z, "epsilon")
    show("ddpm 50 fixed_small prev", p)
    p, x0 = ddpm_step(lin, ts50, E, 500, X, Z, "epsilon", "fixed_large")
    show("ddpm 50 fixed_large prev", p)
    ts1000 = timesteps("leading", 1000, 0)
    p, x0 = ddpm_step(lin, ts1000, E, 500, X, Z, "v_prediction")
    show("ddpm 1000 v fixed_small prev", p)
    p, x0 = ddpm_step(lin, ts50, E, 0, X, Z, "epsilon")
    show("ddpm t=0 prev", p)
    tr7 = timesteps("trailing", 7, 0)
    p, x0 = ddpm_step(lin, tr7, E, int(tr7[2]), X, Z, "epsilon", clip=False)
    print("ddpm trailing 7 t =", int(tr7[2]), "prev =", int(tr7[3]))
    show("ddpm trailing7 prev", p)
    print("# add_noise and velocity at t = 500")
    a = lin[500]
    show("add_noise", a ** 0.5 * X + (1 - a) ** 0.5 * E)
    show("velocity", a ** 0.5 * E - (1 - a) ** 0.5 * X)

# ---- NoiseSource: SplitMix64 + Box-Muller, the algorithm io.github.gen3d.diffusion.NoiseSource documents ----
MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def gaussians(seed, n):
    g = splitmix64(seed)
    out = []
    while len(out) < n:
        u1 = 1.0 - (next(g) >> 11) * 2.0 ** -53
        u2 = (next(g) >> 11) * 2.0 ** -53
        r = math.sqrt(-2.0 * math.log(u1))
        th = 2.0 * math.pi * u2
        out.append(r * math.cos(th))
        out.append(r * math.sin(th))
    return out[:n]


if __name__ == "__main__":
    print("# NoiseSource")
    g = splitmix64(42)
    print("splitmix64(42) first 3 =", [hex(next(g)) for _ in range(3)])
    show("gaussians(42, 5)", gaussians(42, 5))
    show("gaussians(-7, 3)", gaussians(-7, 3))
