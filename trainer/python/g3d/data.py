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
        for name in ("rgb", "alpha", "depth", "normal", "cam", "label", "seed"):
            arrays[name] = np.concatenate([np.load(os.path.join(d, f"{s}.{name}.npy")) for s in shards])
        self.rgb, self.alpha, self.depth = arrays["rgb"], arrays["alpha"], arrays["depth"]
        self.normal, self.cam, self.label, self.seed = arrays["normal"], arrays["cam"], arrays["label"], arrays["seed"]
        self.n = self.rgb.shape[0]
        self.res = self.rgb.shape[2]

    def batch(self, idx):
        """Tensors for props idx: images in [-1, 1] composited on white, [B, 9, 3, R, R]; straight colour [0, 1];
        alpha [B, 9, 1, R, R]; depth [B, 9, 1, R, R]; normal [B, 9, 3, R, R]; label [B]."""
        idx = np.asarray(idx)
        rgb = torch.from_numpy(self.rgb[idx]).float().div_(255.0).permute(0, 1, 4, 2, 3)
        a = torch.from_numpy(self.alpha[idx]).float().div_(255.0)[:, :, None]
        img = (rgb * a + (1.0 - a)) * 2.0 - 1.0
        depth = torch.from_numpy(self.depth[idx])[:, :, None]
        normal = torch.from_numpy(self.normal[idx]).float().div_(127.0).permute(0, 1, 4, 2, 3)
        label = torch.from_numpy(self.label[idx]).long()
        return {"img": img, "rgb": rgb, "alpha": a, "depth": depth, "normal": normal, "label": label}

    def target_cams(self):
        """The 4 target cameras [4, 16]; identical for every prop (the rig), checked here."""
        c = self.cam[:, TARGETS]
        if not np.allclose(c, c[0:1], atol=1e-5):
            raise SystemExit("target cameras differ between props: the dataset does not follow the rig")
        return torch.from_numpy(c[0].copy())
