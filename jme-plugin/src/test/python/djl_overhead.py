#!/usr/bin/python3
"""The Python side of the "DJL overhead" benchmark (jme-plugin/src/test/java/io/github/gen3d/bench/DjlOverheadBench).

  make DIR             build the benchmark networks, trace them and write two bundles (bundle.json + .pt with its
                       sha256): DIR/unet (a small multi-view U-Net, fixed seed) and DIR/null (same inputs and output
                       shape, computes only 0.5 * x: what is left is the per-call cost of the caller)
  time DIR/unet --threads T --warmup W --iters N
                       load the bundle's .pt with torch.jit.load and time N calls after W warm-up calls on the same
                       inputs the Java side uses; print one JSON line {"median_ms": ..., "mean_ms": ..., ...}

Needs Debian's python3-torch (/usr/bin/python3). Not part of the unit tests.
"""
import argparse
import hashlib
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

VIEWS = 4
RES = 64


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    ang = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(e)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class BenchUNet(nn.Module):
    """x [b, 4, 3, 64, 64], t [b] int64, cond [b, 3, 64, 64] -> eps [b, 4, 3, 64, 64]; 32/64/128 channels."""

    def __init__(self, ch=32, temb=128):
        super().__init__()
        self.temb_dim = temb
        self.temb1 = nn.Linear(temb, temb)
        self.temb2 = nn.Linear(temb, temb)
        self.view_emb = nn.Parameter(torch.randn(VIEWS, temb) * 0.1)
        self.conv_in = nn.Conv2d(6, ch, 3, padding=1)
        self.down1 = ResBlock(ch, ch, temb)
        self.pool1 = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
        self.down2 = ResBlock(ch, 2 * ch, temb)
        self.pool2 = nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1)
        self.mid = ResBlock(2 * ch, 4 * ch, temb)
        self.up2 = ResBlock(4 * ch + 2 * ch, 2 * ch, temb)
        self.up1 = ResBlock(2 * ch + ch, ch, temb)
        self.norm_out = nn.GroupNorm(8, ch)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x, t, cond):
        b, v, c, h, w = x.shape
        xc = torch.cat([x, cond[:, None].expand(b, v, 3, h, w)], dim=2).reshape(b * v, 6, h, w)
        e = self.temb2(F.silu(self.temb1(timestep_embedding(t, self.temb_dim))))
        e = (e[:, None, :] + self.view_emb[None]).reshape(b * v, self.temb_dim)
        h0 = self.conv_in(xc)
        h1 = self.down1(h0, e)
        h2 = self.down2(self.pool1(h1), e)
        m = self.mid(self.pool2(h2), e)
        u2 = self.up2(torch.cat([F.interpolate(m, scale_factor=2.0, mode="nearest"), h2], dim=1), e)
        u1 = self.up1(torch.cat([F.interpolate(u2, scale_factor=2.0, mode="nearest"), h1], dim=1), e)
        out = self.conv_out(F.silu(self.norm_out(u1)))
        return out.reshape(b, v, 3, h, w)


class NullDenoiser(nn.Module):
    """Same contract as BenchUNet, almost no work: the per-call cost of the caller (copies, dispatch)."""

    def forward(self, x, t, cond):
        return x * 0.5


def bench_inputs():
    """The same formulas as DjlOverheadBench.inputs() in Java."""
    n = VIEWS * 3 * RES * RES
    x = torch.sin(torch.arange(n, dtype=torch.float64) * 0.01).to(torch.float32).reshape(1, VIEWS, 3, RES, RES)
    m = 3 * RES * RES
    cond = (torch.cos(torch.arange(m, dtype=torch.float64) * 0.02) * 0.9).to(torch.float32).reshape(1, 3, RES, RES)
    t = torch.tensor([500], dtype=torch.int64)
    return x, t, cond


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_bundle(out_dir, model, name, description):
    os.makedirs(out_dir, exist_ok=True)
    traced = torch.jit.trace(model, bench_inputs())
    pt = os.path.join(out_dir, "bench.pt")
    traced.save(pt)
    bundle = {
        "format": "gen3d-model-bundle", "formatVersion": 1, "name": name, "version": "1",
        "licence": "BSD-3-Clause", "description": description,
        "files": {"bench.pt": sha256(pt)},
        "components": {"denoiser": {
            "role": "denoiser", "backend": "torchscript", "file": "bench.pt", "prediction": "epsilon",
            "resolution": RES, "views": VIEWS,
            "inputs": [
                {"name": "x", "shape": ["batch", VIEWS, 3, RES, RES], "dtype": "float32"},
                {"name": "t", "shape": ["batch"], "dtype": "int64", "range": [0, 999]},
                {"name": "cond", "shape": ["batch", 3, RES, RES], "dtype": "float32", "range": [-1, 1]}],
            "outputs": [{"name": "eps", "shape": ["batch", VIEWS, 3, RES, RES], "dtype": "float32"}]}},
    }
    with open(os.path.join(out_dir, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2)
    with torch.no_grad():
        return float(traced(*bench_inputs()).double().abs().sum()), os.path.getsize(pt)


def make(out_dir):
    torch.manual_seed(0)
    model = BenchUNet().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    params = sum(p.numel() for p in model.parameters())
    unet_sum, unet_bytes = write_bundle(os.path.join(out_dir, "unet"), model, "bench-unet",
                                        "DJL overhead benchmark U-Net, %d parameters" % params)
    null_sum, _ = write_bundle(os.path.join(out_dir, "null"), NullDenoiser().eval(), "bench-null",
                               "DJL overhead benchmark: returns 0.5 * x")
    print(json.dumps({"params": params, "pt_bytes": unet_bytes, "unet_abs_sum": unet_sum, "null_abs_sum": null_sum}))


def time_calls(out_dir, threads, warmup, iters):
    torch.set_num_threads(threads)
    model = torch.jit.load(os.path.join(out_dir, "bench.pt"))
    model.eval()
    x, t, cond = bench_inputs()
    times = []
    with torch.no_grad():
        for _ in range(warmup):
            model(x, t, cond)
        for _ in range(iters):
            start = time.perf_counter()
            model(x, t, cond)
            times.append((time.perf_counter() - start) * 1000.0)
    print(json.dumps({"median_ms": statistics.median(times), "mean_ms": statistics.mean(times),
                      "min_ms": min(times), "iters": iters, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["make", "time"])
    parser.add_argument("dir")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iters", type=int, default=20)
    args = parser.parse_args()
    if args.mode == "make":
        make(args.dir)
    else:
        time_calls(args.dir, args.threads, args.warmup, args.iters)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
