#!/usr/bin/python3
"""Exports a training run (OUT/last.pt, EMA weights) as a Gen3D model bundle: TorchScript files + bundle.json with
sha256 checksums (docs/model-bundles.md). The plugin loads the result through DJL.

Usage: /usr/bin/python3 trainer/python/export.py --run build/train --out assets/Models/gen3d-default
"""
import argparse
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from g3d import schedule  # noqa: E402
import train  # noqa: E402

CATEGORIES = ["crate", "barrel", "mushroom", "potion", "lamp", "table", "rock", "chest", "vase", "tree"]


class DenoiserExport(nn.Module):
    """x [B,4,3,R,R], t [B] int64, cond [B,3,R,R] (all zeros = no image) -> v [B,4,3,R,R]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, t, cond):
        c = cond[:, None].expand(x.shape[0], x.shape[1], 3, x.shape[3], x.shape[4])
        return self.net(torch.cat([x, c], dim=2), t, torch.zeros_like(t))


class ReconstructorExport(nn.Module):
    """x [B,4,3,R,R], t [B], x0 [B,4,3,R,R], cond [B,3,R,R] -> Gaussian rows [B, 4*R*R, 14]."""

    def __init__(self, rec):
        super().__init__()
        self.rec = rec

    def forward(self, x, t, x0, cond):
        # training fed the denoiser's x0 clamped to [-1, 1]; the sampler does not clip (schedule.SCHEDULER_JSON)
        return self.rec.rows(self.rec(x, t, x0.clamp(-1.0, 1.0), cond))


class FrontendExport(nn.Module):
    """x [B,1,3,R,R], t [B], label [B] (-1 = none) -> v [B,1,3,R,R]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, t, label):
        return self.net(x, t, label)


# oneDNN (libtorch 2.5.1 and 2.7.1, the engines DJL ships) runs a convolution whose input channels are not a multiple
# of its SIMD block (16 floats with AVX-512, 8 with AVX2) on a channel-padded copy of the input, and the padding
# channels are not zeroed: whatever a freed buffer left there reaches the output, so a network sometimes returns NaN
# for ordinary inputs (docs/model-bundles.md, "Convolution channels"). Exported convolutions therefore get inputs
# whose channel count is a multiple of CONV_CHANNEL_MULTIPLE, padded with real zeros inside the graph.
CONV_CHANNEL_MULTIPLE = 16


class ChannelPaddedConv2d(nn.Conv2d):
    """A Conv2d that pads its input and weight with zero channels up to a multiple of CONV_CHANNEL_MULTIPLE inside
    forward(): the same function and the same parameters (names and shapes) as the Conv2d it replaces."""

    def forward(self, x):
        extra = -self.in_channels % CONV_CHANNEL_MULTIPLE
        x = F.pad(x, (0, 0, 0, 0, 0, extra))
        w = F.pad(self.weight, (0, 0, 0, 0, 0, extra))
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)


def pad_conv_inputs(module):
    """A copy of module in which every ungrouped Conv2d whose input channels are not a multiple of
    CONV_CHANNEL_MULTIPLE is a ChannelPaddedConv2d; state_dict() is unchanged."""
    module = copy.deepcopy(module)
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is nn.Conv2d and child.groups == 1 and child.in_channels % CONV_CHANNEL_MULTIPLE:
                if child.padding_mode != "zeros":
                    raise ValueError(f"cannot pad the channels of {name}: padding_mode {child.padding_mode}")
                padded = ChannelPaddedConv2d(child.in_channels, child.out_channels, child.kernel_size, child.stride,
                                             child.padding, child.dilation, child.groups, child.bias is not None)
                padded.load_state_dict(child.state_dict())
                setattr(parent, name, padded)
    return module


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def spec(name, shape, dtype="float32", rng=None):
    s = {"name": name, "shape": shape, "dtype": dtype}
    if rng is not None:
        s["range"] = rng
    return s


def trace_checked(module, example, other):
    """Traces module with its convolutions' channels padded (pad_conv_inputs) at one batch size and checks the trace
    against module in eager mode at that and another batch size (the batch stays dynamic)."""
    module.eval()
    with torch.no_grad():
        traced = torch.jit.trace(pad_conv_inputs(module), example, check_trace=False)
        for args in (example, other):
            a, b = module(*args), traced(*args)
            err = (a - b).abs().max().item()
            if err > 1e-4:
                raise SystemExit(f"trace of {type(module).__name__} differs from eager by {err}")
    return traced


STAGE_ARGS = ("batch", "views", "target_views", "render_weight", "direct_weight", "lr", "seed", "trajectory", "chain",
              "guidance", "stride", "ddim", "denoiser_lr", "denoiser_only", "art_data", "art_weight")

ART_LICENCE = "CC-BY-SA-3.0"
ATTRIBUTION = """This model bundle was trained on images rendered from the art of 0 A.D. (Wildfire Games,
https://play0ad.com), Debian package 0ad-data, licensed CC-BY-SA 3.0
(https://creativecommons.org/licenses/by-sa/3.0/), together with the Gen3D project's own procedural props
(BSD-3-Clause). As an adaptation of that art the weights are shared under CC-BY-SA 3.0. The per-asset list (actor, meshes, textures) is the dataset manifest written by
io.github.gen3d.trainer.ArtDatasetTool (docs/dataset.md, "Game art").
"""


def lineage(st):
    """The runs a checkpoint continued from, oldest first: for a train.py run started with --init-bundle, the
    bundle's own training (its metadata) comes first. Returns (base metadata or None, uses game art)."""
    a = st["args"]
    base = a.get("init_metadata")
    art = bool(a.get("art_data")) or any(x["args"].get("art_data") for x in finetune_stages(st))
    return base, art


def finetune_stages(st):
    """The fine-tune stages a checkpoint went through, oldest first: the ones finetune.py recorded before its own
    ("finetune_before"), then its own ("finetune"); none for a train.py checkpoint."""
    return st.get("finetune_before", []) + [st["finetune"]] if "finetune" in st else []


def refinement_arg(text):
    """--refinement NOISE,CLEAN: two weights in [0, 1] (the sampler's SamplerSettings.Refinement)."""
    try:
        w = [float(p) for p in text.split(",")]
    except ValueError:
        w = []
    if len(w) != 2 or not all(0.0 <= x <= 1.0 for x in w):
        raise argparse.ArgumentTypeError(f"--refinement needs two weights in [0, 1] as NOISE,CLEAN, got {text!r}")
    return w


def guidance_arg(text):
    """--guidance S: a classifier-free guidance scale in [0, 50] (what the plugin's requests accept)."""
    try:
        s = float(text)
    except ValueError:
        s = float("nan")
    if not 0.0 <= s <= 50.0:
        raise argparse.ArgumentTypeError(f"--guidance needs a number in [0, 50], got {text!r}")
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="training output folder holding last.pt")
    ap.add_argument("--out", required=True, help="bundle folder to (re)write")
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--name", default="gen3d-default", help="the bundle's name (bundle.json)")
    ap.add_argument("--refinement", type=refinement_arg, default=None, metavar="NOISE,CLEAN",
                    help="recommend this synergy refinement (weight of the 3D render in the DDIM update at the "
                         "noisiest and at the clean timestep) in bundle.json's \"sampler\" object; default: none, "
                         "i.e. Algorithm 2's full replacement")
    ap.add_argument("--guidance", type=guidance_arg, default=None, metavar="S",
                    help="recommend this classifier-free guidance scale in bundle.json's \"sampler\" object (used "
                         "by requests that leave it open); default: none, i.e. the plugin's fallback 5")
    args = ap.parse_args(argv)
    st = torch.load(os.path.join(args.run, "last.pt"), map_location="cpu")  # a CUDA run exports on the CPU too
    cams = st["cams"]
    res = int(round(float(cams[0, 14]) * 2))  # principal point at the image centre
    models = train.build(cams, res)
    for k, m in models.items():
        m.load_state_dict(st["ema"][k])
        m.eval()
    g = torch.Generator().manual_seed(0)

    def ex(b, v):
        return torch.randn(b, v, 3, res, res, generator=g)

    def ts(b):
        return torch.randint(0, 1000, (b,), generator=g)

    def img(b):
        return torch.rand(b, 3, res, res, generator=g) * 2 - 1

    den = trace_checked(DenoiserExport(models["denoiser"]), (ex(2, 4), ts(2), img(2)), (ex(3, 4), ts(3), img(3)))
    rec = trace_checked(ReconstructorExport(models["reconstructor"]), (ex(1, 4), ts(1), ex(1, 4), img(1)),
                        (ex(2, 4), ts(2), ex(2, 4), img(2)))
    lab = torch.tensor([3, -1])
    fe = trace_checked(FrontendExport(models["frontend"]), (ex(2, 1), ts(2), lab),
                       (ex(3, 1), ts(3), torch.tensor([0, 9, -1])))
    parent = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(parent, exist_ok=True)  # a fresh clone has no assets/Models yet
    tmp = tempfile.mkdtemp(prefix="bundle-", dir=parent)
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the bundle is a shipped asset
    files = {}
    for name, mod in (("denoiser.pt", den), ("reconstructor.pt", rec), ("frontend.pt", fe)):
        mod.save(os.path.join(tmp, name))
        files[name] = sha256(os.path.join(tmp, name))
    views = ["batch", 4, 3, "res", "res"]
    t_spec = spec("t", ["batch"], "int64", [0, schedule.TRAIN_STEPS - 1])
    cond = spec("cond", ["batch", 3, "res", "res"], rng=[-1, 1])
    sched = dict(schedule.SCHEDULER_JSON)
    a = st["args"]
    stages = finetune_stages(st)
    ft_steps = sum(x["step"] for x in stages)
    ft_min = sum(x["elapsed"] for x in stages) / 60
    traj = sum(x["step"] for x in stages if x["args"].get("trajectory", 0) > 0)
    den_only = sum(x["step"] for x in stages if x["args"].get("denoiser_only"))
    den_steps = sum(x["step"] for x in stages if x["args"].get("denoiser_lr", 0) > 0) - den_only
    rec_steps = ft_steps - den_only
    base, art = lineage(st)
    finetuned = "" if not stages else (
        f"Then {rec_steps} steps fine-tuning the reconstructor with a rendering loss at novel views (finetune.py, "
        f"{len(stages)} stage{'s' if len(stages) > 1 else ''}"
        + (f", {traj} steps of them also on the synergy sampler's own trajectory" if traj else "")
        + (f", the denoiser too in {den_steps} steps" if den_steps else "")
        + (f", and {den_only} steps training the denoiser alone" if den_only else "")
        + f", {ft_min:.0f} min). ")
    manifest = {
        "format": "gen3d-model-bundle",
        "formatVersion": 1,
        "name": args.name,
        "version": args.version,
        "licence": ART_LICENCE if art else "BSD-3-Clause",
        "description": ((f"Gen3D's own models, continued from the procedural-only bundle ({base['trainingSteps']} "
                         f"training steps and {base.get('finetuneSteps', 0)} fine-tune steps on procedural props) on "
                         f"a mix of 0 A.D.'s game art (CC-BY-SA 3.0, see ATTRIBUTION.txt) and procedural props: "
                         f"{st['step']} steps of batch {a['batch']} training {a.get('only', 'all networks')}, "
                         f"{st['elapsed'] / 60:.0f} min on a 2-core CPU. " if base else
                         f"Gen3D's own default models, trained from scratch on procedural props (10 categories: "
                         f"{', '.join(CATEGORIES)}) by trainer/python/train.py: {st['step']} steps of batch "
                         f"{a['batch']}, seed {a['seed']}, {st['elapsed'] / 60:.0f} min on a 2-core CPU. ")
                        + f"{finetuned}Small and modest; see docs/model.md for the recipe and measured quality."),
        "devices": ["gpu", "cpu"],
        "files": files,
        "metadata": {"categories": CATEGORIES, "trainingSteps": st["step"], "trainingMinutes": round(st["elapsed"] / 60, 1),
                     "batch": a["batch"], "seed": a["seed"], "trainer": "trainer/python/train.py (torch "
                     + torch.__version__ + ")",
                     **({} if not base else {"continuedFrom": base, "trainedNetworks": a.get("only"),
                                             "artData": a.get("art_data"), "artWeight": a.get("art_weight")}),
                     **({} if not stages else {
                         "finetuneSteps": ft_steps, "finetuneMinutes": round(ft_min, 1),
                         "finetuneStages": [{"steps": x["step"], "minutes": round(x["elapsed"] / 60, 1),
                                             **{k: x["args"][k] for k in STAGE_ARGS if k in x["args"]}}
                                            for x in stages]})},
        "components": {
            "denoiser": {
                "role": "denoiser", "backend": "torchscript", "file": "denoiser.pt",
                "prediction": "v_prediction", "resolution": res, "views": 4, "scheduler": sched,
                "inputs": [spec("x", views), t_spec, cond],
                "outputs": [spec("v", views)],
            },
            "reconstructor": {
                "role": "reconstructor", "backend": "torchscript", "file": "reconstructor.pt",
                "resolution": res, "views": 4,
                "inputs": [spec("x", views), t_spec, spec("x0", views), cond],
                "outputs": [spec("gaussians", ["batch", "count", 14])],
            },
            "frontend": {
                "role": "denoiser", "backend": "torchscript", "file": "frontend.pt",
                "prediction": "v_prediction", "resolution": res, "views": 1, "scheduler": sched,
                "inputs": [spec("x", ["batch", 1, 3, "res", "res"]), t_spec,
                           spec("label", ["batch"], "int64", [-1, len(CATEGORIES) - 1])],
                "outputs": [spec("v", ["batch", 1, 3, "res", "res"])],
                "metadata": {"labels": CATEGORIES},
            },
        },
    }
    sampler = {}
    if args.guidance is not None:
        sampler["guidance"] = args.guidance
    if args.refinement is not None:
        sampler["refinement"] = {"atNoise": args.refinement[0], "atClean": args.refinement[1]}
    if sampler:
        manifest["sampler"] = {
            "description": "the sampling settings the models were tuned and evaluated with (docs/model.md, Sampling settings)",
            **sampler}
    if art:
        with open(os.path.join(tmp, "ATTRIBUTION.txt"), "w") as f:
            f.write(ATTRIBUTION)
    with open(os.path.join(tmp, "bundle.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.replace(tmp, args.out)
    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in os.listdir(args.out))
    print(f"wrote {args.out}: {sorted(os.listdir(args.out))}, {total / 1e6:.1f} MB, from step {st['step']}")


if __name__ == "__main__":
    main()
