#!/usr/bin/python3
"""Builds the tiny class-conditioned front-end test bundle under jme-plugin/src/test/resources/bundles/tiny-frontend/.

Run with Debian's python3-torch (1.13): /usr/bin/python3 jme-plugin/src/test/python/make_tiny_frontend.py

The bundle drives io.github.gen3d.model.BundleFrontEnd. It has the default bundle's "frontend" contract
(docs/model-bundles.md, "Class-conditioned front end") at a small resolution, with random weights: it proves the
plumbing (the contract, the labels metadata, the guidance branches, determinism), not picture quality.

Writes, all committed (CI has no torch; the Java tests only read these files):
  frontend.pt   1-view v-prediction denoiser: x [b,1,3,res,res], t [b] int64 in [0,999], label [b] int64 in [-1,9]
                (-1 = no label, a learned null class) -> v like x
  bundle.json   the bundle description with the .pt file's sha256, the scheduler object and the component metadata
                {"labels": [10 category names]}

Deterministic (torch.manual_seed(0), one thread; saved without TorchScript's debug records, which would hold the
script's path): with Debian's torch 1.13 running the script again reproduces both files byte for byte. Another torch
version may write different .pt bytes; bundle.json then gets the new sha256.
"""
import argparse
import hashlib
import io
import json
import math
import os
import zipfile

import torch
from torch import nn

RES = 16
CATEGORIES = ["crate", "barrel", "mushroom", "potion", "lamp", "table", "rock", "chest", "vase", "tree"]


def timestep_embedding(t, freqs):
    ang = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)


class TinyFrontEnd(nn.Module):
    """One-view denoiser conditioned on a class label; label -1 means "no label"."""

    def __init__(self, ch=8):
        super().__init__()
        self.ch = ch
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)
        self.label_emb = nn.Embedding(len(CATEGORIES) + 1, ch)  # row 0: the null label (-1)
        self.temb = nn.Linear(8, ch)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)
        self.register_buffer("freqs", torch.exp(-math.log(1000.0) * torch.arange(4, dtype=torch.float32) / 4.0))

    def forward(self, x, t, label):
        b, v, c, h, w = x.shape
        e = self.temb(timestep_embedding(t, self.freqs)) + self.label_emb(label + 1)
        hid = self.conv_in(x.reshape(b * v, c, h, w)) + e[:, None, :].expand(b, v, self.ch).reshape(b * v, self.ch,
                                                                                                      1, 1)
        hid = hid * torch.sigmoid(hid)
        return self.conv_out(hid).reshape(b, v, c, h, w)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_without_debug_info(module, path):
    """Saves TorchScript without the *.debug_pkl records (they hold this script's absolute path)."""
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


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "resources", "bundles", "tiny-frontend"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = TinyFrontEnd().eval()
    for p in model.parameters():
        p.requires_grad_(False)

    example = (torch.randn(2, 1, 3, RES, RES), torch.tensor([981, 5]), torch.tensor([3, -1]))
    other = (torch.randn(3, 1, 3, 8, 8), torch.tensor([0, 500, 999]), torch.tensor([-1, 0, 9]))
    path = os.path.join(args.out, "frontend.pt")
    save_without_debug_info(torch.jit.trace(model, example), path)
    loaded = torch.jit.load(path)
    with torch.no_grad():
        for inputs in (example, other):  # the trace must generalise over batch and resolution
            assert torch.allclose(model(*inputs), loaded(*inputs), atol=1e-6)
        cond = loaded(example[0][:1], example[1][:1], torch.tensor([3]))
        uncond = loaded(example[0][:1], example[1][:1], torch.tensor([-1]))
        assert not torch.allclose(cond, uncond, atol=1e-3), "the null label must change the output"

    bundle = {
        "format": "gen3d-model-bundle",
        "formatVersion": 1,
        "name": "tiny-frontend",
        "version": "1.0.0",
        "licence": "BSD-3-Clause",
        "description": "Test bundle: a tiny class-conditioned one-view front end with random weights (it proves "
                       "plumbing, not quality), made by jme-plugin/src/test/python/make_tiny_frontend.py (torch "
                       + torch.__version__ + ")",
        "devices": ["gpu", "cpu"],
        "files": {"frontend.pt": sha256(path)},
        "metadata": {"categories": CATEGORIES},
        "components": {
            "frontend": {
                "role": "denoiser",
                "backend": "torchscript",
                "file": "frontend.pt",
                "prediction": "v_prediction",
                "resolution": RES,
                "views": 1,
                "scheduler": {
                    "_class_name": "DDIMScheduler",
                    "num_train_timesteps": 1000,
                    "beta_schedule": "squaredcos_cap_v2",
                    "prediction_type": "v_prediction",
                    "timestep_spacing": "trailing",
                    "steps_offset": 0,
                    "set_alpha_to_one": False,
                    "clip_sample": True,
                    "clip_sample_range": 1.0,
                },
                "inputs": [
                    {"name": "x", "shape": ["batch", 1, 3, "res", "res"], "dtype": "float32"},
                    {"name": "t", "shape": ["batch"], "dtype": "int64", "range": [0, 999]},
                    {"name": "label", "shape": ["batch"], "dtype": "int64", "range": [-1, len(CATEGORIES) - 1]},
                ],
                "outputs": [{"name": "v", "shape": ["batch", 1, 3, "res", "res"], "dtype": "float32"}],
                "metadata": {"labels": CATEGORIES},
            },
        },
    }
    with open(os.path.join(args.out, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")
    print("wrote", path, "size", os.path.getsize(path), "sha256", sha256(path))


if __name__ == "__main__":
    main()
