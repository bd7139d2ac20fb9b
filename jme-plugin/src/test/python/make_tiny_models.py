#!/usr/bin/python3
"""Builds the tiny TorchScript test bundle under jme-plugin/src/test/resources/bundles/tiny/.

Run with Debian's python3-torch (1.13): /usr/bin/python3 jme-plugin/src/test/python/make_tiny_models.py

Writes, all committed (CI has no torch; the Java tests only read these files):
  tiny_denoiser.pt    a 4-view "denoiser" (two 3x3 convs, a timestep embedding, a per-view embedding), traced
  expected.json       fixed inputs and the outputs this script computed for them (float32 values, exact)
  bundle.json         the bundle description with the .pt file's sha256

The model is deterministic (torch.manual_seed(0)); with Debian's torch 1.13 running the script again reproduces all
three files byte for byte. Another torch version may write different .pt bytes; bundle.json then gets the new sha256.
"""
import argparse
import hashlib
import json
import math
import os

import torch
from torch import nn

VIEWS = 4


class TinyMultiViewDenoiser(nn.Module):
    """x [b, 4, 3, h, w] noisy views, t [b] int64 timestep, cond [b, 3, h, w] input image -> eps like x."""

    def __init__(self, ch=8):
        super().__init__()
        self.ch = ch
        self.conv_in = nn.Conv2d(6, ch, 3, padding=1)
        self.temb = nn.Linear(8, ch)
        self.view_emb = nn.Parameter(torch.randn(VIEWS, ch) * 0.1)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)
        self.register_buffer("freqs", torch.exp(-math.log(1000.0) * torch.arange(4, dtype=torch.float32) / 4.0))

    def forward(self, x, t, cond):
        b, v, c, h, w = x.shape
        xc = torch.cat([x, cond[:, None].expand(b, v, 3, h, w)], dim=2).reshape(b * v, 6, h, w)
        ang = t.to(torch.float32)[:, None] * self.freqs[None, :]
        emb = torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)
        e = self.temb(emb)[:, None, :] + self.view_emb[None, :, :]
        hid = self.conv_in(xc) + e.reshape(b * v, self.ch, 1, 1)
        hid = hid * torch.sigmoid(hid)
        return self.conv_out(hid).reshape(b, v, 3, h, w)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def case_inputs(gen, batch, res):
    x = torch.randn(batch, VIEWS, 3, res, res, generator=gen)
    cond = torch.rand(batch, 3, res, res, generator=gen) * 2 - 1
    t = torch.randint(0, 1000, (batch,), generator=gen, dtype=torch.int64)
    return x, t, cond


def flat(tensor):
    # float() of a float32 value gives the exact double; Java's Float.parseFloat of its repr gives back the float32
    return [float(v) for v in tensor.reshape(-1).tolist()]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "resources", "bundles", "tiny"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = TinyMultiViewDenoiser().eval()
    for p in model.parameters():
        p.requires_grad_(False)

    gen = torch.Generator().manual_seed(1234)
    cases = [("batch1_res8", case_inputs(gen, 1, 8)), ("batch2_res16", case_inputs(gen, 2, 16))]

    traced = torch.jit.trace(model, cases[0][1])
    pt_path = os.path.join(args.out, "tiny_denoiser.pt")
    traced.save(pt_path)
    loaded = torch.jit.load(pt_path)

    expected = {"torch": torch.__version__, "cases": []}
    with torch.no_grad():
        for name, (x, t, cond) in cases:
            eager = model(x, t, cond)
            out = loaded(x, t, cond)
            # the trace must generalise over batch and resolution, or the Java test compares against the wrong thing
            assert torch.allclose(eager, out, atol=1e-6), name
            expected["cases"].append({
                "name": name,
                "inputs": {
                    "x": {"shape": list(x.shape), "data": flat(x)},
                    "t": {"shape": list(t.shape), "data": [int(v) for v in t.tolist()]},
                    "cond": {"shape": list(cond.shape), "data": flat(cond)},
                },
                "outputs": {"eps": {"shape": list(out.shape), "data": flat(out)}},
            })
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")

    bundle = {
        "format": "gen3d-model-bundle",
        "formatVersion": 1,
        "name": "tiny",
        "version": "1.0.0",
        "licence": "BSD-3-Clause",
        "description": "Test bundle: a tiny 4-view denoiser with random weights, made by "
                       "jme-plugin/src/test/python/make_tiny_models.py (torch " + torch.__version__ + ")",
        "devices": ["gpu", "cpu"],
        "files": {"tiny_denoiser.pt": sha256(pt_path)},
        "components": {
            "denoiser": {
                "role": "denoiser",
                "backend": "torchscript",
                "file": "tiny_denoiser.pt",
                "prediction": "epsilon",
                "resolution": 8,
                "views": VIEWS,
                "inputs": [
                    {"name": "x", "shape": ["batch", VIEWS, 3, "res", "res"], "dtype": "float32"},
                    {"name": "t", "shape": ["batch"], "dtype": "int64", "range": [0, 999]},
                    {"name": "cond", "shape": ["batch", 3, "res", "res"], "dtype": "float32", "range": [-1, 1]},
                ],
                "outputs": [
                    {"name": "eps", "shape": ["batch", VIEWS, 3, "res", "res"], "dtype": "float32"},
                ],
            }
        },
    }
    with open(os.path.join(args.out, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")
    print("wrote", args.out, "sha256", bundle["files"]["tiny_denoiser.pt"], "size", os.path.getsize(pt_path))


if __name__ == "__main__":
    main()
