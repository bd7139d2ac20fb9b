#!/usr/bin/python3
"""Fine-tunes the reconstructor of a trained run with a rendering loss at the dataset's novel views (issue 5).

Starts from a train.py run's EMA weights (--init build/train/last.pt) or from an exported bundle
(--init-bundle assets/Models/gen3d-default: the same weights, as TorchScript), freezes the front end and (unless
--denoiser-lr is given, see denoiser_loss) the denoiser, and trains the reconstructor on: its direct per-pixel
supervision at the 4 target views (train.py's recon_losses, unchanged) plus --render-weight x (L1 of colour on
white + L1 of alpha) of its Gaussians rendered by the differentiable splat renderer (g3d/splat_render.py) at
--views of the 4 novel views of each prop, which the direct losses never see (and, with --target-views, at target
views too; --direct-weight scales the direct supervision, whose per-pixel surfel targets render blurred when they
weigh as much as the rendering loss, docs/model.md "Where the masked PSNR went"). With --trajectory its input is, in
that fraction of the steps, what the synergy sampler would hand it (trajectory_input). Resumable like train.py
(OUT/last.pt every --ckpt-every steps, atomically); the checkpoint has train.py's layout, so `export.py --run OUT`
exports the result; curves in OUT/finetune.png. Validation (--val-every): the reconstructor given the clean target
views (t = 0, x0 = the targets), rendered at the 4 novel views of --val-props validation props, PSNR and
object-masked PSNR against the ground truth. With --denoiser-only the stage instead continues the denoiser's base
training alone (train.py's v loss, with an EMA that is exported; validation: its v loss on the validation props).

Usage: /usr/bin/python3 trainer/python/finetune.py --data data --init build/train/last.pt --out build/finetune
"""
import argparse
import copy
import csv
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import train  # noqa: E402
from g3d import schedule, splat_render  # noqa: E402
from g3d import data as gdata  # noqa: E402
from g3d.data import NOVEL, TARGETS  # noqa: E402


def load_init(args, cams, res):
    """The three networks with the starting weights, and the starting run's metadata."""
    models = train.build(cams, res)
    if args.init:
        st = torch.load(args.init, map_location="cpu")  # also a checkpoint of a CUDA train.py run
        for k, m in models.items():
            m.load_state_dict(st["ema"][k])
        return models, {"step": st["step"], "elapsed": st.get("elapsed", 0.0), "args": st["args"],
                        "stages": export.finetune_stages(st)}
    meta = train.load_bundle_weights(models, args.init_bundle)
    stages = [{"step": x["steps"], "elapsed": 60.0 * x["minutes"], "args": {k: v for k, v in x.items()
                                                                             if k in export.STAGE_ARGS}}
              for x in meta.get("finetuneStages", [])]
    if not stages and "finetuneSteps" in meta:
        stages = [{"step": meta["finetuneSteps"], "elapsed": 60.0 * meta["finetuneMinutes"], "args": {}}]
    return models, {"step": meta["trainingSteps"], "elapsed": 60.0 * meta["trainingMinutes"],
                    "args": {"batch": meta["batch"], "seed": meta["seed"]}, "stages": stages}


def splats_of(g, i):
    """Prop i's Gaussians of decoded reconstructor output g, flattened: pos, scale, rot, opacity, rgb."""
    def flat(x):
        return x[i].permute(0, 2, 3, 1).reshape(-1, x.shape[2])
    return flat(g["pos"]), flat(g["scale"]), flat(g["rot"]), flat(g["opacity"])[:, 0], flat(g["rgb"])


def render_loss(g, b, cams, views, res, half, sl=NOVEL, mse=0.0):
    """Mean over props and the chosen views of L1(colour on white) + L1(alpha) (+ mse x the squared error of the
    colour, the error PSNR measures). cams [B, 4, 16]: the cameras of the dataset's views sl (the novel views, or with
    sl=TARGETS the rig's target views)."""
    total = 0.0
    count = 0
    for i in range(cams.shape[0]):
        s = splats_of(g, i)
        for v in views[i]:
            img, acc, _ = splat_render.render(*s, cams[i, v], res, res, half=half)
            gt = (b["img"][i, sl][v] + 1) / 2
            ga = b["alpha"][i, sl][v, 0]
            total = total + (img - gt).abs().mean() + (acc - ga).abs().mean()
            if mse:
                total = total + mse * ((img - gt) ** 2).mean()
            count += 1
    return total / count


@torch.no_grad()
def trajectory_input(rec, den, xt, t, x0, cond, cams, res, half, ab_table, gen, stride, steps=1, guidance=1.0,
                     ddim=False):
    """What the synergy sampler hands the reconstructor `steps` DDIM steps later (--trajectory): repeatedly, the
    reconstructor's own Gaussians from (x_t, t, x0) rendered at the 4 target views become the signal, taken to
    t - stride, and the denoiser's x0 of that (with classifier-free guidance, as the sampler) becomes the 2D prior.
    The step to t - stride is either fresh noise on the render (ddim=False) or, as the sampler takes it (ddim=True),
    the deterministic DDIM update (eta = 0) with the render as x0 and the epsilon it implies,
    x_t' = sqrt(ab') render + sqrt(1 - ab') (x_t - sqrt(ab) render) / sqrt(1 - ab).
    Returns (t', alpha_bar', x_t', x0'); nothing here has gradients."""
    ab = ab_table[t]
    for _ in range(steps):
        g = rec.decode(rec(xt, t, x0, cond))
        render = torch.stack([torch.stack([splat_render.render(*splats_of(g, i), cams[v], res, res, half=half)[0]
                                           for v in range(cams.shape[0])]) for i in range(xt.shape[0])]) * 2 - 1
        t = (t - stride).clamp(min=0)
        if ddim:
            eps = schedule.eps_from_x0(xt, render, ab)
            ab = ab_table[t]
            xt, _ = schedule.add_noise(render, eps, ab)
        else:
            ab = ab_table[t]
            xt, _ = schedule.add_noise(render, torch.randn(render.shape, generator=gen), ab)
        v = train.denoise(den, xt, t, cond)
        if guidance != 1.0:
            vu = train.denoise(den, xt, t, torch.zeros_like(cond))
            v = vu + guidance * (v - vu)
        x0 = schedule.x0_from_v(xt, v, ab).clamp(-1, 1)
    return t, ab, xt, x0


def denoiser_loss(den, xt0, t0, v0, xt, t, ab, tgt, cond, gen, p_uncond=0.1, gamma=5.0):
    """--denoiser-lr: train.py's v loss at the plainly noised targets (x_t0, t0, target v0), which keeps the denoiser
    what it was, plus its x0 error against the true targets at the input (x_t, t, alpha-bar ab) the reconstructor is
    trained on, weighted by min(SNR, gamma) (min-SNR weighting; the same as the v loss where SNR < gamma, but bounded
    near t = 0, where an x_t off the noising path would make the v target explode). The condition is dropped with
    p_uncond, both terms alike, as in training, so that guidance keeps working."""
    keep = (torch.rand(tgt.shape[0], generator=gen) >= p_uncond).float().reshape(-1, 1, 1, 1)
    plain = ((train.denoise(den, xt0, t0, cond * keep) - v0) ** 2).mean()
    x0 = schedule.x0_from_v(xt, train.denoise(den, xt, t, cond * keep), ab)
    w = (ab / (1 - ab)).clamp(max=gamma).reshape(-1, 1, 1, 1, 1)
    return plain + (w * (x0 - tgt) ** 2).mean()


def denoiser_step(den, b, ab_table, gen, p_uncond=0.1):
    """--denoiser-only: one batch of train.py's denoiser loss (the targets plainly noised to a random t, the input
    view dropped with p_uncond)."""
    return train.denoiser_v_loss(den, b["img"][:, TARGETS], b["cond"], ab_table, gen, p_uncond)[0]


@torch.no_grad()
def validate_denoiser(den, val, idx, ab_table):
    """--denoiser-only's validation: the mean v loss of den on the validation props idx with fixed noise (seed 99,
    no condition dropout), train.py's "val denoiser" measure."""
    den.eval()
    g = torch.Generator().manual_seed(99)
    chunks = [idx[i:i + 8] for i in range(0, len(idx), 8)]
    total = sum(denoiser_step(den, val.batch(c), ab_table, g, p_uncond=0.0).item() for c in chunks) / len(chunks)
    den.train()
    return total


def novel_cams(split, idx):
    if hasattr(split, "cams_of"):
        return split.cams_of(idx, NOVEL)
    return torch.from_numpy(split.cam[np.asarray(idx)][:, NOVEL].copy())


def masked_psnr(img, acc, gt, ga):
    """PSNR (dB) over the pixels inside the predicted or the true silhouette (alpha > 0.5), as the evaluation's
    masked PSNR (docs/evaluation.md). img, gt [3,H,W] in [0,1]; acc, ga [H,W]."""
    m = (acc > 0.5) | (ga > 0.5)
    mse = ((img - gt) ** 2).sum(dim=0)[m].sum().item() / max(1, 3 * int(m.sum()))
    return 10 * math.log10(1.0 / max(mse, 1e-10))


@torch.no_grad()
def validate(rec, val, idx, res, half):
    """Mean PSNR and object-masked PSNR (dB) of the reconstructor's Gaussians from the clean target views, at the 4
    novel views."""
    rec.eval()
    psnrs = []
    masked = []
    for c in [idx[i:i + 4] for i in range(0, len(idx), 4)]:
        b = val.batch(c)
        tgt = b["img"][:, TARGETS]
        t = torch.zeros(len(c), dtype=torch.long)
        g = rec.decode(rec(tgt, t, tgt, b["cond"]))
        cams = novel_cams(val, c)
        for i in range(len(c)):
            s = splats_of(g, i)
            for v in range(cams.shape[1]):
                img, acc, _ = splat_render.render(*s, cams[i, v], res, res, half=half)
                gt = (b["img"][i, NOVEL][v] + 1) / 2
                mse = ((img - gt) ** 2).mean().item()
                psnrs.append(10 * math.log10(1.0 / max(mse, 1e-10)))
                masked.append(masked_psnr(img, acc, gt, b["alpha"][i, NOVEL][v, 0]))
    rec.train()
    return float(np.mean(psnrs)), float(np.mean(masked))


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _rows(csv_path):
    with open(csv_path) as f:
        return list(csv.DictReader(f))


def _smoothed(ax, rows, key, k, label):
    """Plots column key of the rows that have it as a k-step moving average."""
    rows = [r for r in rows if r[key]]
    y = np.array([float(r[key]) for r in rows])
    k = min(k, max(1, len(y)))
    ax.plot([int(r["step"]) for r in rows][k - 1:], np.convolve(y, np.ones(k) / k, "valid"), label=label)


def _save(plt, fig, png_path):
    fig.tight_layout()
    fig.savefig(png_path + ".tmp.png", dpi=90)
    plt.close(fig)
    os.replace(png_path + ".tmp.png", png_path)


def plot(csv_path, png_path):
    """Fine-tune curves: the direct and rendering losses per step (smoothed) and the validation PSNR."""
    plt = _pyplot()
    rows = _rows(csv_path)
    val_rows = [r for r in rows if r["val_psnr"]]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.6))
    for key in ("direct", "render"):
        _smoothed(ax0, rows, key, 25, key)
    ax0.set_xlabel("fine-tune step")
    ax0.set_title("reconstructor losses (moving average)")
    ax0.legend()
    ax1.plot([int(r["step"]) for r in val_rows], [float(r["val_psnr"]) for r in val_rows], "o-", label="whole image")
    if val_rows and val_rows[0].get("val_masked"):  # logs started before the column existed lack it
        ax1.plot([int(r["step"]) for r in val_rows], [float(r["val_masked"]) for r in val_rows], "s-",
                 label="object-masked")
        ax1.legend()
    ax1.set_xlabel("fine-tune step")
    ax1.set_title("validation: novel-view PSNR (dB) from clean views")
    _save(plt, fig, png_path)


def plot_denoiser(csv_path, png_path):
    """--denoiser-only's curves: the v loss per step (smoothed) and the validation v loss."""
    plt = _pyplot()
    rows = _rows(csv_path)
    val_rows = [r for r in rows if r["val_v_loss"]]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    _smoothed(ax, rows, "v_loss", 50, "v loss (moving average)")
    ax.plot([int(r["step"]) for r in val_rows], [float(r["val_v_loss"]) for r in val_rows], "o-",
            label="validation (EMA weights)")
    ax.set_yscale("log")
    ax.set_xlabel("fine-tune step")
    ax.set_title("denoiser-only stage")
    ax.legend()
    _save(plt, fig, png_path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="dataset folder written by DatasetTool")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--init", help="train.py checkpoint to start from (its EMA weights)")
    src.add_argument("--init-bundle", help="exported bundle folder to start from")
    ap.add_argument("--out", required=True, help="output folder: last.pt, finetune.csv")
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--art-data", help="game-art dataset folder written by ArtDatasetTool, mixed into the data")
    ap.add_argument("--art-weight", type=float, default=0.5,
                    help="with --art-data: probability that an object of a batch is game art (default 0.5)")
    ap.add_argument("--batch", type=int, default=2, help="props per step")
    ap.add_argument("--views", type=int, default=2, help="novel views rendered per prop and step (of 4)")
    ap.add_argument("--target-views", type=int, default=0,
                    help="target views rendered per prop and step (of 4) for the rendering loss too")
    ap.add_argument("--render-weight", type=float, default=1.0)
    ap.add_argument("--render-mse", type=float, default=0.0,
                    help="add this weight x the squared colour error to the rendering loss's L1 terms")
    ap.add_argument("--direct-weight", type=float, default=1.0,
                    help="weight of the direct per-pixel supervision (train.recon_losses)")
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--half", type=int, default=4, help="renderer window half-width in pixels")
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--ckpt-every", type=int, default=25)
    ap.add_argument("--val-every", type=int, default=100)
    ap.add_argument("--val-props", type=int, default=16)
    ap.add_argument("--trajectory", type=float, default=0.0,
                    help="fraction of steps whose input is the sampler's own next-step input (trajectory_input)")
    ap.add_argument("--stride", type=int, default=20, help="timesteps between DDIM steps for --trajectory")
    ap.add_argument("--chain", type=int, default=1,
                    help="--trajectory rolls the sampler forward 1..CHAIN steps (uniformly drawn)")
    ap.add_argument("--guidance", type=float, default=1.0, help="guidance scale of --trajectory's 2D prior")
    ap.add_argument("--denoiser-lr", type=float, default=0.0,
                    help="also train the denoiser (0: frozen): its v loss on the noised targets plus an x0 loss on "
                         "the input the reconstructor is trained on (the sampler's own with --trajectory)")
    ap.add_argument("--ddim", action="store_true",
                    help="--trajectory steps forward with the sampler's DDIM update (eta 0) instead of fresh noise")
    ap.add_argument("--denoiser-only", action="store_true",
                    help="train only the denoiser, with train.py's v loss at --denoiser-lr (warm-up, cosine decay to "
                         "10 %%) and an EMA of its weights (--ema), no reconstructor and no renders")
    ap.add_argument("--ema", type=float, default=0.999, help="EMA decay of --denoiser-only (its EMA is exported)")
    ap.add_argument("--warmup", type=int, default=100, help="--denoiser-only's learning-rate warm-up steps")
    args = ap.parse_args(argv)
    if args.denoiser_only and not args.denoiser_lr > 0:
        ap.error("--denoiser-only needs --denoiser-lr")
    if args.denoiser_only and (args.trajectory > 0 or args.target_views > 0):
        ap.error("--denoiser-only trains no reconstructor: leave out --trajectory and --target-views")
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    tr = gdata.load(args.data, args.art_data, args.art_weight, "train")
    val = gdata.load(args.data, args.art_data, args.art_weight, "val")
    cams = tr.target_cams()
    res = tr.res
    models, base = load_init(args, cams, res)
    rec, den = models["reconstructor"], models["denoiser"]
    train_den = args.denoiser_lr > 0
    for k in ("denoiser", "frontend"):
        models[k].requires_grad_(k == "denoiser" and train_den)
        models[k].eval()
    if args.denoiser_only:
        rec.requires_grad_(False)
        rec.eval()
        den.train()
        ema_den = copy.deepcopy(den).requires_grad_(False)
    groups = [] if args.denoiser_only else [{"params": rec.parameters(), "lr": args.lr}]
    if train_den:
        groups.append({"params": den.parameters(), "lr": args.denoiser_lr})
    opt = torch.optim.AdamW(groups, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    step, elapsed = 0, 0.0
    ckpt = os.path.join(args.out, "last.pt")
    if os.path.exists(ckpt):
        st = torch.load(ckpt, map_location="cpu")
        rec.load_state_dict(st["models"]["reconstructor"])
        den.load_state_dict(st["models"]["denoiser"])
        if args.denoiser_only:
            ema_den.load_state_dict(st["ema"]["denoiser"])
        opt.load_state_dict(st["opt"])
        gen.set_state(st["gen"])
        rng.bit_generator.state = st["rng"]
        step = st["finetune"]["step"]
        elapsed = st["finetune"]["elapsed"]
        print(f"resumed at fine-tune step {step}", flush=True)
    ab_table = schedule.alphas_cumprod()
    val_idx = train.val_indices(val, args.val_props)
    csv_path = os.path.join(args.out, "finetune.csv")
    if args.denoiser_only:
        return denoiser_only(args, models, ema_den, opt, gen, rng, step, elapsed, base, tr, val, val_idx, cams,
                             ab_table, csv_path, ckpt)
    fresh = train.prepare_csv(csv_path, ["step", "sec", "total", "direct", "render", "val_psnr", "val_masked"], step)
    if fresh and args.val_every > 0:
        p0, m0 = validate(rec, val, val_idx, res, args.half)
        print(f"step 0: val novel-view PSNR {p0:.2f} dB, masked {m0:.2f} dB", flush=True)
        with open(csv_path, "a", newline="") as f:
            csv.writer(f).writerow([0, "0.0", "", "", "", f"{p0:.3f}", f"{m0:.3f}"])
    pending = []
    t_last = time.time()
    rec.train()
    while step < args.steps:
        idx = train.draw(tr, rng, args.batch)
        b = tr.batch(idx)
        B = len(idx)
        cond = b["cond"]
        tgt = b["img"][:, TARGETS]
        t, ab, xt, v = train.noisy(tgt, ab_table, gen)
        t0, xt0 = t, xt
        with torch.no_grad():
            x0 = schedule.x0_from_v(xt, train.denoise(den, xt, t, cond), ab).clamp(-1, 1)
        if args.trajectory > 0 and torch.rand(1, generator=gen).item() < args.trajectory:
            k = 1 if args.chain <= 1 else int(torch.randint(1, args.chain + 1, (1,), generator=gen))
            t, ab, xt, x0 = trajectory_input(rec, den, xt, t, x0, cond, cams, res, args.half,
                                             ab_table, gen, args.stride, k, args.guidance, args.ddim)
        r = train.recon_losses(rec, xt, t, train.recon_prior(x0, tgt, gen), cond, b)
        views = [torch.randperm(4, generator=gen)[:args.views].tolist() for _ in range(B)]
        lr_ = render_loss(r["gaussians"], b, novel_cams(tr, idx), views, res, args.half, mse=args.render_mse)
        if args.target_views > 0:
            tviews = [torch.randperm(4, generator=gen)[:args.target_views].tolist() for _ in range(B)]
            lr_ = lr_ + render_loss(r["gaussians"], b, cams[None].expand(B, 4, cams.shape[1]), tviews, res,
                                    args.half, TARGETS, mse=args.render_mse)
        total = args.direct_weight * r["recon"] + args.render_weight * lr_
        if train_den:
            total = total + denoiser_loss(den, xt0, t0, v, xt, t, ab, tgt, cond, gen)
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(rec.parameters(), 1.0)
        if train_den:
            torch.nn.utils.clip_grad_norm_(den.parameters(), 1.0)
        opt.step()
        step += 1
        now = time.time()
        elapsed += now - t_last
        t_last = now
        row = [step, f"{elapsed:.1f}", f"{total.item():.5f}", f"{r['recon'].item():.5f}", f"{lr_.item():.5f}", "",
               ""]
        if args.val_every > 0 and (step % args.val_every == 0 or step == args.steps):
            p, m = validate(rec, val, val_idx, res, args.half)
            row[-2:] = [f"{p:.3f}", f"{m:.3f}"]
            print(f"step {step}: val novel-view PSNR {p:.2f} dB, masked {m:.2f} dB", flush=True)
        pending.append(row)
        if step % 5 == 0:
            print(f"step {step}/{args.steps} total {total.item():.4f} direct {r['recon'].item():.4f} render "
                  f"{lr_.item():.4f} {elapsed / step:.2f} s/step", flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            with open(csv_path, "a", newline="") as f:
                csv.writer(f).writerows(pending)
            pending = []
            sd = {k: m.state_dict() for k, m in models.items()}
            save_stage(ckpt, args, base, cams, sd, sd, opt, gen, rng, step, elapsed)
            plot(csv_path, os.path.join(args.out, "finetune.png"))
    print(f"done: {step} fine-tune steps, {elapsed / 60:.1f} min", flush=True)


def save_stage(ckpt, args, base, cams, sd, ema, opt, gen, rng, step, elapsed):
    """Checkpoints a stage atomically in train.py's layout (so export.py and the next stage's --init read it), with
    the stage's own progress ("finetune") and the stages before it."""
    train.save_atomic({"step": base["step"], "elapsed": base["elapsed"], "args": base["args"], "cams": cams,
                       "models": sd, "ema": ema, "opt": opt.state_dict(), "gen": gen.get_state(),
                       "rng": rng.bit_generator.state,
                       "finetune": {"step": step, "elapsed": elapsed, "args": vars(args)},
                       "finetune_before": base["stages"]}, ckpt)


def denoiser_only(args, models, ema_den, opt, gen, rng, step, elapsed, base, tr, val, val_idx, cams, ab_table,
                  csv_path, ckpt):
    """--denoiser-only: continues the denoiser's base training (train.py's v loss, batch --batch, --denoiser-lr with
    warm-up and cosine decay, an EMA of the weights, which is what the checkpoint's "ema" holds and export.py
    exports); the reconstructor and the front end are left as they are."""
    den = models["denoiser"]
    fresh = train.prepare_csv(csv_path, ["step", "sec", "lr", "v_loss", "val_v_loss"], step)
    if fresh and args.val_every > 0:
        l0 = validate_denoiser(ema_den, val, val_idx, ab_table)
        print(f"step 0: val v loss {l0:.5f}", flush=True)
        with open(csv_path, "a", newline="") as f:
            csv.writer(f).writerow([0, "0.0", "", "", f"{l0:.5f}"])
    pending = []
    t_last = time.time()
    while step < args.steps:
        lr = train.lr_at(step, args.steps, args.denoiser_lr, warmup=args.warmup)
        for grp in opt.param_groups:
            grp["lr"] = lr
        loss = denoiser_step(den, tr.batch(train.draw(tr, rng, args.batch)), ab_table, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(den.parameters(), 1.0)
        opt.step()
        train.ema_update(ema_den, den, args.ema)
        step += 1
        now = time.time()
        elapsed += now - t_last
        t_last = now
        row = [step, f"{elapsed:.1f}", f"{lr:.3e}", f"{loss.item():.5f}", ""]
        if args.val_every > 0 and (step % args.val_every == 0 or step == args.steps):
            row[-1] = f"{validate_denoiser(ema_den, val, val_idx, ab_table):.5f}"
            print(f"step {step}: val v loss {row[-1]}", flush=True)
        pending.append(row)
        if step % 20 == 0:
            print(f"step {step}/{args.steps} lr {lr:.2e} v loss {loss.item():.4f} {elapsed / step:.2f} s/step",
                  flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            with open(csv_path, "a", newline="") as f:
                csv.writer(f).writerows(pending)
            pending = []
            sd = {k: m.state_dict() for k, m in models.items()}
            save_stage(ckpt, args, base, cams, sd, dict(sd, denoiser=ema_den.state_dict()), opt, gen, rng, step,
                       elapsed)
            plot_denoiser(csv_path, os.path.join(args.out, "finetune.png"))
    print(f"done: {step} denoiser steps, {elapsed / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
