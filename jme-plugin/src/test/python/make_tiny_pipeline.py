#!/usr/bin/python3
"""Builds the tiny two-network test bundle under jme-plugin/src/test/resources/bundles/tiny-pipeline/.

Run with Debian's python3-torch (1.13): /usr/bin/python3 jme-plugin/src/test/python/make_tiny_pipeline.py

The bundle drives io.github.gen3d.diffusion.SynergySampler through the adapters of io.github.gen3d.model
(BundleDenoiser, BundleReconstructor, BundleSamplers). The networks have random weights: they prove the plumbing
(tensor layout, conditions, the unconditional branch, batching, the Gaussian channel table), not sample quality.

Writes, all committed (CI has no torch; the Java tests only read these files):
  denoiser.pt           4-view denoiser: x [b,4,3,res,res], t [b] int64, cond [b,3,res,res] in [-1,1],
                        label [b] int64 in [-1,9] -> eps like x. An all-zero cond means "no image" (a learned null
                        embedding replaces the image features, as ImageDream swaps in its null image embedding) and
                        label -1 means "no label" (a learned null class).
  reconstructor.pt      LGM-style reconstructor: x_t [b,4,3,res,res], t [b], x0 [b,4,3,res,res], cond [b,3,res,res]
                        -> gaussians [b, 4*(res/2)^2, 14] with the activations of docs/model-bundles.md applied
                        (position clamp(-1,1), opacity sigmoid, scale 0.1*softplus, rotation w,x,y,z normalised,
                        rgb 0.5*tanh+0.5), one Gaussian per 2x2 pixel block of each view.
  nan_reconstructor.pt  a reconstructor whose rows are NaN wherever the red channel of x_t's first view is negative
                        (position x = sqrt(red)); the Java test checks that those rows are dropped and counted.
  expected.json         fixed inputs (multiples of 1/64 or 1/128, exact in float32) and the outputs this script
                        computed for them (float32 values, shortest round-trip decimal)
  bundle.json           the bundle description with each .pt file's sha256

Deterministic (torch.manual_seed(0), one thread; the .pt files are saved without TorchScript's debug records, which
would hold the script's path): with Debian's torch 1.13 running the script again, from any folder, reproduces all
files byte for byte. Another torch version may write different .pt bytes; bundle.json then gets the new sha256s.
"""
import argparse
import hashlib
import io
import json
import math
import os
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

VIEWS = 4
RES = 16
LABELS = 10


def timestep_embedding(t, freqs):
    ang = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)


class TinyDenoiser(nn.Module):
    """Multi-view denoiser conditioned on an image and a class label; zero image / label -1 mean "none"."""

    def __init__(self, ch=8):
        super().__init__()
        self.ch = ch
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.cond_conv = nn.Conv2d(3, ch, 3, padding=1)
        self.null_image = nn.Parameter(torch.randn(ch) * 0.5)
        self.label_emb = nn.Embedding(LABELS + 1, ch)  # row 0: the null label (-1)
        self.temb = nn.Linear(8, ch)
        self.view_emb = nn.Parameter(torch.randn(VIEWS, ch) * 0.5)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)
        self.register_buffer("freqs", torch.exp(-math.log(1000.0) * torch.arange(4, dtype=torch.float32) / 4.0))

    def forward(self, x, t, cond, label):
        b, v, c, h, w = x.shape
        is_null = cond.abs().amax(dim=(1, 2, 3)) == 0
        cfeat = torch.where(is_null[:, None, None, None], self.null_image[None, :, None, None].expand(b, self.ch, h, w),
                            self.cond_conv(cond))
        e = self.temb(timestep_embedding(t, self.freqs)) + self.label_emb(label + 1)
        e = e[:, None, :] + self.view_emb[None, :, :]
        hid = self.conv_in(x.reshape(b * v, c, h, w)) + e.reshape(b * v, self.ch, 1, 1)
        hid = hid + cfeat[:, None].expand(b, v, self.ch, h, w).reshape(b * v, self.ch, h, w)
        hid = hid * torch.sigmoid(hid)
        return self.conv_out(hid).reshape(b, v, c, h, w)


class TinyReconstructor(nn.Module):
    """(x_t, t, x0, cond) of 4 views -> one Gaussian per 2x2 block per view, activations applied."""

    def __init__(self, ch=8):
        super().__init__()
        self.ch = ch
        self.conv_in = nn.Conv2d(9, ch, 3, padding=1)
        self.temb = nn.Linear(8, ch)
        self.view_emb = nn.Parameter(torch.randn(VIEWS, ch) * 0.5)
        self.conv_out = nn.Conv2d(ch, 14, 2, stride=2)
        self.register_buffer("freqs", torch.exp(-math.log(1000.0) * torch.arange(4, dtype=torch.float32) / 4.0))

    def forward(self, x, t, x0, cond):
        b, v, c, h, w = x.shape
        inp = torch.cat([x, x0, cond[:, None].expand(b, v, c, h, w)], dim=2).reshape(b * v, 3 * c, h, w)
        e = self.temb(timestep_embedding(t, self.freqs))[:, None, :] + self.view_emb[None, :, :]
        hid = self.conv_in(inp) + e.reshape(b * v, self.ch, 1, 1)
        hid = hid * torch.sigmoid(hid)
        raw = self.conv_out(hid)                                  # [b*v, 14, h/2, w/2]
        raw = raw.reshape(b, v, 14, -1).permute(0, 1, 3, 2).reshape(b, -1, 14)
        pos = torch.clamp(raw[..., 0:3], -1.0, 1.0)
        opacity = torch.sigmoid(raw[..., 3:4])
        scale = 0.1 * F.softplus(raw[..., 4:7])
        rot = F.normalize(raw[..., 7:11], dim=-1)                 # w, x, y, z
        rgb = 0.5 * torch.tanh(raw[..., 11:14]) + 0.5
        return torch.cat([pos, opacity, scale, rot, rgb], dim=-1)


class NanReconstructor(nn.Module):
    """One Gaussian per pixel of view 0; position x = sqrt(red of x_t) is NaN where that red value is negative."""

    def forward(self, x, t, x0, cond):
        b = x.shape[0]
        red = x[:, 0, 0].reshape(b, -1, 1)
        y0 = x0[:, 0].reshape(b, 3, -1).permute(0, 2, 1)          # [b, hw, 3]
        pos = torch.cat([torch.sqrt(red), y0[..., 1:3]], dim=-1)
        opacity = torch.sigmoid(y0[..., 0:1])
        scale = torch.full_like(pos, 0.05)
        rot = torch.cat([torch.ones_like(red), torch.zeros_like(pos)], dim=-1)
        rgb = 0.5 * y0 + 0.5
        return torch.cat([pos, opacity, scale, rot, rgb], dim=-1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class F32(float):
    """A float32 value written as the shortest decimal that reads back as the same float32."""

    def __repr__(self):
        return np.format_float_positional(np.float32(self), unique=True, trim="-")


def flat(tensor):
    return [F32(v) for v in tensor.reshape(-1).tolist()]


def quantised_normal(gen, shape, step=64):
    return torch.round(torch.randn(*shape, generator=gen) * step) / step


def quantised_uniform(gen, shape, step=128):
    return torch.round((torch.rand(*shape, generator=gen) * 2 - 1) * step) / step


def dump(obj, f):
    # json uses float.__repr__ for floats, so encode F32 values by hand
    if isinstance(obj, F32):
        f.write(repr(obj))
    elif isinstance(obj, dict):
        f.write("{")
        for i, (k, v) in enumerate(obj.items()):
            f.write(("," if i else "") + json.dumps(k) + ":")
            dump(v, f)
        f.write("}")
    elif isinstance(obj, list):
        f.write("[")
        for i, v in enumerate(obj):
            if i:
                f.write(",")
            dump(v, f)
        f.write("]")
    else:
        f.write(json.dumps(obj))


def save_without_debug_info(module, path):
    """Saves TorchScript without the *.debug_pkl records, which hold this script's absolute path and the Python
    call stack at tracing time (so the bytes would depend on where the script runs). Loading does not need them."""
    buffer = io.BytesIO()
    torch.jit.save(module, buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as z:
        writer = torch._C.PyTorchFileWriter(path)
        for info in z.infolist():
            name = info.filename.split("/", 1)[1]
            if not name.endswith(".debug_pkl"):
                data = z.read(info)
                writer.write_record(name, data, len(data))
        writer.write_end_of_file()
        del writer


def trace(model, example, path, checks):
    traced = torch.jit.trace(model, example)
    save_without_debug_info(traced, path)
    loaded = torch.jit.load(path)
    with torch.no_grad():
        for inputs in checks:
            # the trace must generalise over batch and resolution
            assert torch.allclose(model(*inputs), loaded(*inputs), atol=1e-6, equal_nan=True)
    return loaded


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "resources", "bundles", "tiny-pipeline"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(0)
    torch.set_num_threads(1)
    denoiser = TinyDenoiser().eval()
    reconstructor = TinyReconstructor().eval()
    nan_reconstructor = NanReconstructor().eval()
    for m in (denoiser, reconstructor):
        for p in m.parameters():
            p.requires_grad_(False)

    gen = torch.Generator().manual_seed(1234)
    # the denoiser case: three calls as the Java test builds them with DenoiserCall
    #   0: views A, t0, image A, label 3
    #   1: views A, t0, image A and label 3 but unconditional=true -> the adapter sends a zero image and label -1
    #   2: views B, t1, image B, no label (-1)
    xa = quantised_normal(gen, (VIEWS, 3, RES, RES))
    xb = quantised_normal(gen, (VIEWS, 3, RES, RES))
    img_a = quantised_uniform(gen, (3, RES, RES))
    img_b = quantised_uniform(gen, (3, RES, RES))
    t0, t1 = 981, 321
    calls = [
        {"x": xa, "t": t0, "image": img_a, "label": 3, "unconditional": False},
        {"x": xa, "t": t0, "image": img_a, "label": 3, "unconditional": True},
        {"x": xb, "t": t1, "image": img_b, "label": -1, "unconditional": False},
    ]
    bx = torch.stack([c["x"] for c in calls])
    bt = torch.tensor([c["t"] for c in calls], dtype=torch.int64)
    bcond = torch.stack([torch.zeros_like(c["image"]) if c["unconditional"] else c["image"] for c in calls])
    blabel = torch.tensor([-1 if c["unconditional"] else c["label"] for c in calls], dtype=torch.int64)
    d_inputs = (bx, bt, bcond, blabel)

    rx = quantised_normal(gen, (1, VIEWS, 3, RES, RES))
    rx0 = quantised_uniform(gen, (1, VIEWS, 3, RES, RES))
    rcond = quantised_uniform(gen, (1, 3, RES, RES))
    rt = torch.tensor([t1], dtype=torch.int64)
    r_inputs = (rx, rt, rx0, rcond)
    other = (torch.randn(2, VIEWS, 3, 8, 8), torch.tensor([5, 600]), torch.rand(2, VIEWS, 3, 8, 8) * 2 - 1,
             torch.rand(2, 3, 8, 8) * 2 - 1)

    d_path = os.path.join(args.out, "denoiser.pt")
    r_path = os.path.join(args.out, "reconstructor.pt")
    n_path = os.path.join(args.out, "nan_reconstructor.pt")
    d_loaded = trace(denoiser, d_inputs, d_path,
                     [d_inputs, (other[0], other[1], other[3], torch.tensor([-1, 9]))])
    r_loaded = trace(reconstructor, r_inputs, r_path, [r_inputs, other])
    trace(nan_reconstructor, r_inputs, n_path, [r_inputs, other])

    with torch.no_grad():
        eps = d_loaded(*d_inputs)
        for i in range(len(calls)):  # each call alone gives what the batch gives
            single = d_loaded(*(a[i:i + 1] for a in d_inputs))
            assert torch.allclose(single[0], eps[i], atol=1e-6), i
        assert not torch.allclose(eps[0], eps[1], atol=1e-3), "the null branch must differ"
        gaussians = r_loaded(*r_inputs)
        assert gaussians.shape == (1, VIEWS * (RES // 2) ** 2, 14), gaussians.shape

    expected = {
        "torch": torch.__version__,
        "denoiser": {
            "calls": [{
                "x": {"shape": list(c["x"].shape), "data": flat(c["x"])},
                "t": c["t"],
                "image": {"shape": list(c["image"].shape), "data": flat(c["image"])},
                "label": c["label"],
                "unconditional": c["unconditional"],
                "eps": {"shape": list(eps[i].shape), "data": flat(eps[i])},
            } for i, c in enumerate(calls)],
        },
        "reconstructor": {
            "x": {"shape": list(rx.shape[1:]), "data": flat(rx[0])},
            "t": int(rt[0]),
            "x0": {"shape": list(rx0.shape[1:]), "data": flat(rx0[0])},
            "image": {"shape": list(rcond.shape[1:]), "data": flat(rcond[0])},
            "gaussians": {"shape": list(gaussians.shape), "data": flat(gaussians)},
        },
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        dump(expected, f)
        f.write("\n")

    def views(name):
        return {"name": name, "shape": ["batch", VIEWS, 3, "res", "res"], "dtype": "float32"}

    timestep = {"name": "t", "shape": ["batch"], "dtype": "int64", "range": [0, 999]}
    image = {"name": "cond", "shape": ["batch", 3, "res", "res"], "dtype": "float32", "range": [-1, 1]}
    gaussians_out = {"name": "gaussians", "shape": ["batch", "count", 14], "dtype": "float32"}
    recon_inputs = [views("x"), timestep, views("x0"), image]
    bundle = {
        "format": "gen3d-model-bundle",
        "formatVersion": 1,
        "name": "tiny-pipeline",
        "version": "1.0.0",
        "licence": "BSD-3-Clause",
        "description": "Test bundle: a tiny 4-view denoiser and LGM-style reconstructor with random weights (they "
                       "prove plumbing, not quality), made by jme-plugin/src/test/python/make_tiny_pipeline.py "
                       "(torch " + torch.__version__ + ")",
        "devices": ["gpu", "cpu"],
        "files": {
            "denoiser.pt": sha256(d_path),
            "reconstructor.pt": sha256(r_path),
            "nan_reconstructor.pt": sha256(n_path),
        },
        "components": {
            "denoiser": {
                "role": "denoiser",
                "backend": "torchscript",
                "file": "denoiser.pt",
                "prediction": "epsilon",
                "resolution": RES,
                "views": VIEWS,
                "scheduler": {
                    "_class_name": "DDIMScheduler",
                    "num_train_timesteps": 1000,
                    "beta_schedule": "scaled_linear",
                    "beta_start": 0.00085,
                    "beta_end": 0.012,
                    "prediction_type": "epsilon",
                    "timestep_spacing": "leading",
                    "steps_offset": 1,
                    "set_alpha_to_one": False,
                    "clip_sample": False,
                },
                "inputs": [
                    views("x"),
                    timestep,
                    image,
                    {"name": "label", "shape": ["batch"], "dtype": "int64", "range": [-1, LABELS - 1]},
                ],
                "outputs": [{"name": "eps", "shape": ["batch", VIEWS, 3, "res", "res"], "dtype": "float32"}],
            },
            "reconstructor": {
                "role": "reconstructor",
                "backend": "torchscript",
                "file": "reconstructor.pt",
                "resolution": RES,
                "views": VIEWS,
                "inputs": recon_inputs,
                "outputs": [gaussians_out],
            },
            "nan_reconstructor": {
                "role": "reconstructor",
                "backend": "torchscript",
                "file": "nan_reconstructor.pt",
                "resolution": RES,
                "views": VIEWS,
                "inputs": recon_inputs,
                "outputs": [gaussians_out],
            },
        },
    }
    with open(os.path.join(args.out, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")
    for p in (d_path, r_path, n_path):
        print("wrote", p, "size", os.path.getsize(p), "sha256", sha256(p))


if __name__ == "__main__":
    main()
