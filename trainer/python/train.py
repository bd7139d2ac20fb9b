#!/usr/bin/python3
"""Trains the default Gen3D models from scratch on the procedural prop dataset: the multi-view denoiser, the
LGM-style reconstructor and the class-conditioned front end, jointly, with fixed seeds. Resumable: the state is
checkpointed to OUT/last.pt every --ckpt-every steps (atomically) and picked up again when the command is re-run.
Writes OUT/loss.csv and OUT/loss.png. Export the result with export.py. See docs/model.md.

Usage: /usr/bin/python3 trainer/python/train.py --data data --out build/train [--steps N]
"""
import argparse
import csv
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from g3d import nets, schedule  # noqa: E402
from g3d import data as gdata  # noqa: E402
from g3d.data import TARGETS  # noqa: E402

CLASSES = 10


def build(cams, res):
    """The three networks; their sizes are part of the recipe (docs/model.md)."""
    # sizes measured to fit the CPU budget (docs/model.md): cross-view attention at 8x8 per view (256 tokens over
    # 4 views) and below; attention at 16x16 (1024 tokens) tripled the denoiser's cost
    denoiser = nets.MultiViewUNet(6, 3, 4, chans=(64, 96, 128), attn=(False, False, True), unshuffle=2)
    recon = nets.Reconstructor(cams, res, chans=(64, 128, 128), attn=(False, True, True), unshuffle=4)
    frontend = nets.MultiViewUNet(3, 3, 1, chans=(64, 96, 128), attn=(False, False, True), classes=CLASSES,
                                  unshuffle=2)
    return {"denoiser": denoiser, "reconstructor": recon, "frontend": frontend}


def losses(models, b, ab_table, gen, p_uncond=0.1, train=True, recon=True, frontend=True):
    """All losses of one batch (dict of scalars). gen: torch.Generator for noise, timesteps and dropouts. The
    condition is b["cond"]: the input view as the service prepares a user's picture (data.Split.batch). With
    recon=False the reconstructor is left out (its loss terms are 0), with frontend=False the front end (its loss
    is 0)."""
    den, rec, fe = models["denoiser"], models["reconstructor"], models["frontend"]
    img = b["img"]
    B = img.shape[0]
    cond = b["cond"]
    tgt = img[:, TARGETS]
    # --- multi-view denoiser (v-prediction, condition dropout for classifier-free guidance)
    l2d, t, ab, xt, v_pred = denoiser_v_loss(den, tgt, cond, ab_table, gen, p_uncond)
    # --- reconstructor: its 2D prior is the denoiser's x0 (detached), sometimes none or a coarse "previous render"
    x0 = schedule.x0_from_v(xt, v_pred.detach(), ab).clamp(-1, 1)
    prior = recon_prior(x0, tgt, gen)
    zero = torch.zeros((), device=img.device)
    r = recon_losses(rec, xt, t, prior, cond, b) if recon else {
        k: zero for k in ("recon", "alpha", "img", "rgb", "depth", "normal", "scale")}
    # --- class-conditioned front end: draws the condition image of a category (label -1: none, e.g. game art)
    if frontend:
        t2, _, xt2, v2 = noisy(cond, ab_table, gen)
        lab = torch.where(torch.rand(B, generator=gen).to(img.device) < p_uncond, torch.full_like(b["label"], -1),
                          b["label"])
        lfe = F.mse_loss(fe(xt2[:, None], t2, lab)[:, 0], v2)
    else:
        lfe = zero
    total = l2d + lfe + r["recon"]
    out = {"total": total, "denoiser": l2d, "frontend": lfe}
    out.update({k: v for k, v in r.items() if k != "gaussians"})
    return out


def denoiser_v_loss(den, tgt, cond, ab_table, gen, p_uncond):
    """The denoiser's v-prediction MSE on the targets tgt noised to a random timestep, the input view cond dropped
    (zeros) with probability p_uncond: (loss, t, alpha_bar, x_t, v prediction)."""
    t, ab, xt, v = noisy(tgt, ab_table, gen)
    keep = (torch.rand(tgt.shape[0], generator=gen) >= p_uncond).float().reshape(-1, 1, 1, 1).to(tgt.device)
    v_pred = denoise(den, xt, t, cond * keep)
    return F.mse_loss(v_pred, v), t, ab, xt, v_pred


def ema_update(ema, model, decay):
    """ema <- decay * ema + (1 - decay) * model, parameter by parameter."""
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)


def noisy(x0, ab_table, gen):
    """A random training timestep per item and x0 noised to it: (t [B], alpha_bar [B], x_t, v target)."""
    t = torch.randint(0, schedule.TRAIN_STEPS, (x0.shape[0],), generator=gen).to(x0.device)
    ab = ab_table[t]
    xt, v = schedule.add_noise(x0, torch.randn(x0.shape, generator=gen).to(x0.device), ab)
    return t, ab, xt, v


def denoise(den, xt, t, cond):
    """The multi-view denoiser's v prediction for x_t [B,4,3,R,R] given the input view cond [B,3,R,R]."""
    return den(torch.cat([xt, cond[:, None].expand_as(xt)], dim=2), t, torch.zeros_like(t))


def recon_prior(x0, tgt, gen):
    """The reconstructor's 2D-prior input in training: the denoiser's x0, or 15 % of the time none (zeros), or 10 %
    of the time a coarse (4x box-blurred) version of the targets standing in for a previous 3D render."""
    u = torch.rand(x0.shape[0], generator=gen).reshape(-1, 1, 1, 1, 1).to(x0.device)
    coarse = F.interpolate(F.avg_pool2d(tgt.flatten(0, 1), 4), scale_factor=4.0, mode="bilinear",
                           align_corners=False).reshape(tgt.shape)
    return torch.where(u < 0.15, torch.zeros_like(x0), torch.where(u < 0.25, coarse, x0))


def recon_losses(rec, xt, t, x0_in, cond, b):
    """The reconstructor's direct per-pixel supervision at the 4 target views (docs/model.md): dict with the parts,
    their weighted sum "recon", and the decoded "gaussians"."""
    g = rec.decode(rec(xt, t, x0_in, cond))
    tgt = b["img"][:, TARGETS]
    a_t = b["alpha"][:, TARGETS]
    m = (a_t > 0.5).float()
    msum = m.sum().clamp(min=1.0)
    op = g["opacity"]
    l_alpha = F.binary_cross_entropy(op.clamp(1e-5, 1 - 1e-5), a_t)
    comp = g["rgb"] * op + (1 - op)
    l_img = (comp - (tgt + 1) / 2).abs().mean()
    l_rgb = ((g["rgb"] - b["rgb"][:, TARGETS]).abs() * m).sum() / (3 * msum)
    l_depth = ((g["z"] - b["depth"][:, TARGETS]).abs() * m).sum() / msum
    n = b["normal"][:, TARGETS]
    n = n / n.norm(dim=2, keepdim=True).clamp(min=1e-6)
    axis = nets.quat_axis_z(g["rot"])
    l_normal = ((1 - (axis * n).sum(dim=2, keepdim=True) ** 2) * m).sum() / msum
    dirs = rec.dirs / rec.dirs.norm(dim=1, keepdim=True)
    cos = (n * dirs[None]).sum(dim=2, keepdim=True).abs().clamp(min=0.3)
    foot = g["z"] * rec.footprint[None, :, None, None, None]
    target_scale = torch.cat([0.7 * foot / cos, 0.7 * foot / cos, 0.15 * foot], dim=2)
    l_scale = ((torch.log(g["scale"]) - torch.log(target_scale)).abs() * m).sum() / (3 * msum)
    l3d = l_alpha + l_img + l_rgb + 2 * l_depth + 0.2 * l_normal + 0.1 * l_scale
    return {"recon": l3d, "alpha": l_alpha, "img": l_img, "rgb": l_rgb, "depth": l_depth, "normal": l_normal,
            "scale": l_scale, "gaussians": g}


def lr_at(step, steps, base, warmup=300):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, steps - warmup)
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def prepare_csv(csv_path, header, step):
    """Starts a loss log with its header, or, when resuming at step > 0, drops the rows logged after the
    checkpoint. Returns True when the log was started afresh."""
    if step == 0 or not os.path.exists(csv_path):
        with open(csv_path, "w", newline="") as f:
            csv.writer(f).writerow(header)
        return True
    with open(csv_path) as f:
        rows = [r for r in csv.reader(f)]
    rows = [rows[0]] + [r for r in rows[1:] if int(r[0]) <= step]
    with open(csv_path + ".tmp", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    os.replace(csv_path + ".tmp", csv_path)
    return False


def plot(csv_path, png_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(csv_path)))
    if not rows:
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    step = np.array([float(r["step"]) for r in rows])

    def smooth(y, k=50):
        if len(y) < k:
            return y
        c = np.cumsum(np.insert(y, 0, 0.0))
        return np.concatenate([y[:k - 1], (c[k:] - c[:-k]) / k])

    for ax, keys, title in ((axes[0], ["denoiser", "frontend"], "diffusion (v-MSE)"),
                            (axes[1], ["recon"], "reconstructor (weighted sum)"),
                            (axes[2], ["alpha", "img", "rgb", "depth", "normal", "scale"], "reconstructor parts")):
        for k in keys:
            y = np.array([float(r[k]) for r in rows])
            if not (y > 0).any():
                continue  # a network left out (--only): nothing to draw on a log scale
            ax.plot(step, smooth(y), label=k)
        val = [r for r in rows if r.get("val_total")]
        if keys == ["recon"] and val and any(float(r["val_recon"]) > 0 for r in val):
            ax.plot([float(r["step"]) for r in val], [float(r["val_recon"]) for r in val], "o-", label="val recon")
        if keys == ["denoiser", "frontend"] and val:
            ax.plot([float(r["step"]) for r in val], [float(r["val_denoiser"]) for r in val], "o-",
                    label="val denoiser")
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_title(title)
        ax.legend()
    fig.tight_layout()
    fig.savefig(png_path + ".tmp.png", dpi=80)
    os.replace(png_path + ".tmp.png", png_path)
    plt.close(fig)


def load_bundle_weights(models, bundle):
    """Loads an exported bundle's TorchScript weights into the networks of build() (the bundle is the checkpoint of
    a shipped run); returns the bundle's metadata."""
    import json
    prefix = {"denoiser": "net.", "reconstructor": "rec.", "frontend": "net."}
    for k, m in models.items():
        sd = torch.jit.load(os.path.join(bundle, k + ".pt")).state_dict()
        m.load_state_dict({n[len(prefix[k]):]: v for n, v in sd.items() if n.startswith(prefix[k])})
    with open(os.path.join(bundle, "bundle.json")) as f:
        return json.load(f)["metadata"]


def pick_device(name):
    """--device: "cpu", "cuda", or "auto" (CUDA when PyTorch sees a GPU, else the CPU). Random numbers are always
    drawn on the CPU (the seeded generators) and moved, so a CPU run is the same bit for bit as before."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: PyTorch sees no CUDA GPU")
    return torch.device(name)


def to_device(b, dev):
    """A batch dict's tensors on dev."""
    return {k: v.to(dev) for k, v in b.items()}


def draw(data, rng, count):
    """count training objects: uniform over a Split (as the shipped runs drew them), by weight over a Mixture."""
    return data.sample(rng, count) if hasattr(data, "sample") else rng.integers(0, data.n, count)


def val_indices(val, per_part=64):
    """Validation objects: the first per_part of a Split, or of each part of a Mixture."""
    if hasattr(val, "parts"):
        return np.concatenate([val.offsets[k] + np.arange(min(p.n, per_part // len(val.parts)))
                               for k, p in enumerate(val.parts)])
    return np.arange(min(val.n, per_part))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="dataset folder written by DatasetTool")
    ap.add_argument("--out", required=True, help="output folder: checkpoints, loss.csv, loss.png")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=4, help="objects per step")
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--val-every", type=int, default=1000)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--art-data", help="game-art dataset folder written by ArtDatasetTool, mixed into the data")
    ap.add_argument("--art-weight", type=float, default=0.5,
                    help="with --art-data: probability that an object of a batch is game art (default 0.5)")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                    help="where to train (default auto: CUDA when PyTorch sees a GPU, else the CPU)")
    ap.add_argument("--init-bundle", help="start from an exported bundle's weights (e.g. the shipped default) "
                                          "instead of from scratch")
    ap.add_argument("--only", default="denoiser,reconstructor,frontend",
                    help="comma-separated networks to train (the others are frozen; without the reconstructor its "
                         "losses are skipped)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    train = gdata.load(args.data, args.art_data, args.art_weight, "train")
    val = gdata.load(args.data, args.art_data, args.art_weight, "val")
    cams = train.target_cams()
    torch.manual_seed(args.seed)
    models = build(cams, train.res)
    ema = build(cams, train.res)
    trained = [k for k in args.only.split(",") if k]
    if not trained or any(k not in models for k in trained):
        ap.error(f"--only takes names from {sorted(models)}, got {args.only!r}")
    if args.init_bundle:
        args.init_metadata = load_bundle_weights(models, args.init_bundle)
    dev = pick_device(args.device)
    for k in models:
        models[k].to(dev)
        ema[k].to(dev)
    for k in models:
        ema[k].load_state_dict(models[k].state_dict())
        ema[k].requires_grad_(False)
        models[k].requires_grad_(k in trained)
    with_recon = "reconstructor" in trained
    with_frontend = "frontend" in trained
    params = [p for k in trained for p in models[k].parameters()]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    step = 0
    ckpt = os.path.join(args.out, "last.pt")
    elapsed = 0.0
    if os.path.exists(ckpt):
        st = torch.load(ckpt, map_location=dev)
        for k in models:
            models[k].load_state_dict(st["models"][k])
            ema[k].load_state_dict(st["ema"][k])
        opt.load_state_dict(st["opt"])
        gen.set_state(st["gen"])
        rng.bit_generator.state = st["rng"]
        step = st["step"]
        elapsed = st.get("elapsed", 0.0)
        print(f"resumed at step {step} ({elapsed / 60:.1f} min trained so far)", flush=True)
    nparams = {k: sum(p.numel() for p in m.parameters()) for k, m in models.items()}
    print(f"train {train.n} props, val {val.n}, res {train.res}; parameters {nparams}; threads {args.threads};"
          f" device {dev}",
          flush=True)
    ab_table = schedule.alphas_cumprod().to(dev)
    csv_path = os.path.join(args.out, "loss.csv")
    keys = ["total", "denoiser", "frontend", "recon", "alpha", "img", "rgb", "depth", "normal", "scale"]
    header = ["step", "lr", "sec"] + keys + ["val_" + k for k in ("total", "denoiser", "frontend", "recon")]
    prepare_csv(csv_path, header, step)
    val_idx = val_indices(val)
    pending = []
    t_last = time.time()
    while step < args.steps:
        for k, m in models.items():
            m.train(k in trained)
        lr = lr_at(step, args.steps, args.lr)
        for grp in opt.param_groups:
            grp["lr"] = lr
        b = to_device(train.batch(draw(train, rng, args.batch)), dev)
        ls = losses(models, b, ab_table, gen, recon=with_recon, frontend=with_frontend)
        opt.zero_grad(set_to_none=True)
        ls["total"].backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        for k in models:
            ema_update(ema[k], models[k], args.ema)
        step += 1
        now = time.time()
        elapsed += now - t_last
        t_last = now
        row = [step, f"{lr:.3e}", f"{elapsed:.1f}"] + [f"{ls[k].item():.5f}" for k in keys] + [""] * 4
        if step % args.val_every == 0 or step == args.steps:
            with torch.no_grad():
                for m in ema.values():
                    m.eval()
                vg = torch.Generator().manual_seed(99)
                acc = {k: 0.0 for k in ("total", "denoiser", "frontend", "recon")}
                chunks = [val_idx[i:i + 8] for i in range(0, len(val_idx), 8)]
                for c in chunks:
                    vl = losses(ema, to_device(val.batch(c), dev), ab_table, vg, p_uncond=0.0, train=False,
                                recon=with_recon, frontend=with_frontend)
                    for k in acc:
                        acc[k] += vl[k].item() / len(chunks)
            row[-4:] = [f"{acc[k]:.5f}" for k in ("total", "denoiser", "frontend", "recon")]
            print(f"step {step}: val {acc}", flush=True)
        pending.append(row)
        if step % 20 == 0:
            print(f"step {step}/{args.steps} lr {lr:.2e} loss {ls['total'].item():.4f} (2d {ls['denoiser'].item():.4f}"
                  f" fe {ls['frontend'].item():.4f} 3d {ls['recon'].item():.4f}) {elapsed / step:.2f} s/step"
                  f" elapsed {elapsed / 60:.1f} min", flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            with open(csv_path, "a", newline="") as f:
                csv.writer(f).writerows(pending)
            pending = []
            save_atomic({"step": step, "models": {k: m.state_dict() for k, m in models.items()},
                         "ema": {k: m.state_dict() for k, m in ema.items()}, "opt": opt.state_dict(),
                         "gen": gen.get_state(), "rng": rng.bit_generator.state, "elapsed": elapsed,
                         "args": vars(args), "cams": cams}, ckpt)
            plot(csv_path, os.path.join(args.out, "loss.png"))
    print(f"done: {step} steps, {elapsed / 60:.1f} min of training", flush=True)


if __name__ == "__main__":
    main()
