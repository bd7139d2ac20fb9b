"""Reads the dataset written by io.github.gen3d.trainer.DatasetTool (docs/dataset.md, "Renders")."""
import json
import os

import numpy as np
import torch

INPUT, TARGETS, NOVEL = 0, slice(1, 5), slice(5, 9)


class Split:
    """All shards of one split, held in memory as the compact arrays they are stored as (uint8 / float32)."""

    def __init__(self, root, split):
        with open(os.path.join(root, "manifest.json")) as f:
            self.manifest = json.load(f)
        d = os.path.join(root, split)
        shards = sorted({n.split(".")[0] for n in os.listdir(d) if n.endswith(".npy")})
        if not shards:
            raise SystemExit(f"{d}: no shards; run the dataset tool first (docs/dataset.md)")
        arrays = {}
        for name in ("rgb", "alpha", "depth", "normal", "cam", "label", "seed", "cond"):
            files = [os.path.join(d, f"{s}.{name}.npy") for s in shards]
            if name == "cond" and not all(os.path.exists(f) for f in files):
                arrays[name] = None  # datasets written before the condition array: the input view is the condition
                continue
            arrays[name] = np.concatenate([np.load(f) for f in files])
        self.cond = arrays["cond"]
        self.rgb, self.alpha, self.depth = arrays["rgb"], arrays["alpha"], arrays["depth"]
        self.normal, self.cam, self.label, self.seed = arrays["normal"], arrays["cam"], arrays["label"], arrays["seed"]
        self.n = self.rgb.shape[0]
        self.res = self.rgb.shape[2]

    def batch(self, idx):
        """Tensors for props idx: images in [-1, 1] composited on white, [B, 9, 3, R, R]; straight colour [0, 1];
        alpha [B, 9, 1, R, R]; depth [B, 9, 1, R, R]; normal [B, 9, 3, R, R]; label [B]; cond [B, 3, R, R] in [-1, 1],
        the model's condition: the input view as the service prepares a user's picture of it (the dataset's cond
        array), or the input view itself for datasets written without one."""
        idx = np.asarray(idx)
        rgb = torch.from_numpy(self.rgb[idx]).float().div_(255.0).permute(0, 1, 4, 2, 3)
        a = torch.from_numpy(self.alpha[idx]).float().div_(255.0)[:, :, None]
        img = (rgb * a + (1.0 - a)) * 2.0 - 1.0
        depth = torch.from_numpy(self.depth[idx])[:, :, None]
        normal = torch.from_numpy(self.normal[idx]).float().div_(127.0).permute(0, 1, 4, 2, 3)
        label = torch.from_numpy(self.label[idx]).long()
        if self.cond is not None:
            cond = torch.from_numpy(self.cond[idx]).float().div_(255.0).permute(0, 3, 1, 2) * 2.0 - 1.0
        else:
            cond = img[:, INPUT]
        return {"img": img, "rgb": rgb, "alpha": a, "depth": depth, "normal": normal, "label": label, "cond": cond}

    def target_cams(self):
        """The 4 target cameras [4, 16]; identical for every prop (the rig), checked here."""
        c = self.cam[:, TARGETS]
        if not np.allclose(c, c[0:1], atol=1e-5):
            raise SystemExit("target cameras differ between props: the dataset does not follow the rig")
        return torch.from_numpy(c[0].copy())


class Mixture:
    """Several splits drawn from with fixed weights (e.g. the procedural props and the game art): each object of a
    batch comes from split k with probability weights[k]; the batch is ordered by source. Same interface as Split
    for what the training scripts use (n, res, batch of global indices, target_cams, sample)."""

    def __init__(self, parts):
        self.parts = [p for p, w in parts if w > 0]
        w = np.array([w for _, w in parts if w > 0], dtype=np.float64)
        if not len(self.parts):
            raise SystemExit("no data: every mixture weight is 0")
        self.weights = w / w.sum()
        res = {p.res for p in self.parts}
        if len(res) != 1:
            raise SystemExit(f"the datasets' resolutions differ: {sorted(res)}")
        self.res = res.pop()
        self.offsets = np.cumsum([0] + [p.n for p in self.parts])
        self.n = int(self.offsets[-1])
        cams = [p.target_cams() for p in self.parts]
        for c in cams[1:]:
            if not torch.allclose(c, cams[0], atol=1e-5):
                raise SystemExit("the datasets' target cameras differ: they do not follow the same rig")

    def target_cams(self):
        return self.parts[0].target_cams()

    def sample(self, rng, count):
        """count global indices: a source per object by the weights, then a uniform object of it; sorted."""
        src = rng.choice(len(self.parts), size=count, p=self.weights)
        idx = [self.offsets[k] + rng.integers(0, self.parts[k].n) for k in src]
        return np.sort(np.asarray(idx, dtype=np.int64))

    def batch(self, idx):
        idx = np.asarray(idx)
        out = None
        for k, p in enumerate(self.parts):
            sel = idx[(idx >= self.offsets[k]) & (idx < self.offsets[k + 1])] - self.offsets[k]
            if len(sel) == 0:
                continue
            b = p.batch(sel)
            out = b if out is None else {key: torch.cat([out[key], b[key]]) for key in out}
        return out

    def cams_of(self, idx, sl):
        """The stored cameras [B, V, 16] of global indices idx for view slice sl."""
        idx = np.asarray(idx)
        rows = []
        for i in idx:
            k = int(np.searchsorted(self.offsets, i, side="right") - 1)
            rows.append(self.parts[k].cam[i - self.offsets[k], sl])
        return torch.from_numpy(np.stack(rows).copy())


def load(root, art=None, art_weight=0.0, split="train"):
    """The training data: the dataset at root, mixed with the game-art dataset at art (weight art_weight: the
    probability that an object of a batch is game art) when given. Returns a Split or a Mixture."""
    base = Split(root, split)
    if not art or art_weight <= 0:
        return base
    return Mixture([(base, 1.0 - art_weight), (Split(art, split), art_weight)])
