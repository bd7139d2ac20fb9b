"""Networks of the default Gen3D bundle (PyTorch; exported as TorchScript, run by the plugin through DJL).

Three small U-Nets share one building block set:
- MultiViewUNet as the multi-view denoiser: the 4 target views of one object are denoised jointly; the input view is
  concatenated to every view's channels, and self-attention at 16x16 and 8x8 runs over the tokens of ALL views of an
  object at once (cross-view attention, as MVDream / Gen-3Diffusion's 2D model), so the views exchange information.
- the same class as the LGM-style reconstructor: per pixel of the 4 views it predicts one 3D Gaussian; Plucker ray
  embeddings of the rig's cameras are part of its input.
- the same class with one view and a class embedding as the class-conditioned front end (draws an input view).

Written for torch 1.13 and torch.jit.trace: no data-dependent Python control flow in forward().
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of integer timesteps t [B] -> [B, dim] (as in DDPM / diffusers)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(emb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class MultiViewAttention(nn.Module):
    """Self-attention over the tokens of all V views of each object: x [B*V, C, H, W] -> same shape."""

    def __init__(self, ch, views, heads=4):
        super().__init__()
        self.views = views
        self.heads = heads
        self.norm = nn.GroupNorm(8, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.out = nn.Linear(ch, ch)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        bv, c, h, w = x.shape
        v = self.views
        b = bv // v
        t = self.norm(x).reshape(b, v, c, h * w).permute(0, 1, 3, 2).reshape(b, v * h * w, c)
        q, k, val = self.qkv(t).chunk(3, dim=2)
        d = c // self.heads
        q = q.reshape(b, v * h * w, self.heads, d).transpose(1, 2)
        k = k.reshape(b, v * h * w, self.heads, d).transpose(1, 2)
        val = val.reshape(b, v * h * w, self.heads, d).transpose(1, 2)
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(d), dim=3)
        o = torch.matmul(att, val).transpose(1, 2).reshape(b, v * h * w, c)
        o = self.out(o).reshape(b, v, h * w, c).permute(0, 1, 3, 2).reshape(bv, c, h, w)
        return x + o


class MultiViewUNet(nn.Module):
    """U-Net over V views per object. forward(x [B, V, Cin, H, W], t [B], label [B]) -> [B, V, Cout, H, W].

    label: class index >= 0, or -1 for none (only used when classes > 0).
    """

    def __init__(self, cin, cout, views, chans=(64, 96, 128), attn=(False, True, True), classes=0, temb=128,
                 unshuffle=2):
        super().__init__()
        self.unshuffle = unshuffle
        self.views = views
        self.cout = cout
        self.temb = temb
        self.time = nn.Sequential(nn.Linear(temb, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.view_emb = nn.Parameter(torch.zeros(views, temb))
        self.classes = classes
        if classes > 0:
            self.label = nn.Embedding(classes + 1, temb)  # index 0 = no label
        # space-to-depth first: the network runs at 1/unshuffle resolution, the output is shuffled back
        self.inp = nn.Conv2d(cin * unshuffle * unshuffle, chans[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.dattn = nn.ModuleList()
        self.pool = nn.ModuleList()
        prev = chans[0]
        for i, ch in enumerate(chans):
            self.down.append(ResBlock(prev, ch, temb))
            self.dattn.append(MultiViewAttention(ch, views) if attn[i] else nn.Identity())
            self.pool.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1) if i < len(chans) - 1 else nn.Identity())
            prev = ch
        self.mid = ResBlock(prev, prev, temb)
        self.mattn = MultiViewAttention(prev, views)
        self.up = nn.ModuleList()
        self.uattn = nn.ModuleList()
        for i in reversed(range(len(chans))):
            ch = chans[i]
            self.up.append(ResBlock(prev + ch, ch, temb))
            self.uattn.append(MultiViewAttention(ch, views) if attn[i] else nn.Identity())
            prev = ch
        self.out_norm = nn.GroupNorm(8, prev)
        self.outp = nn.Conv2d(prev, cout * unshuffle * unshuffle, 3, padding=1)
        nn.init.zeros_(self.outp.weight)
        nn.init.zeros_(self.outp.bias)

    def forward(self, x, t, label):
        b, v, c, h, w = x.shape
        emb = self.time(timestep_embedding(t, self.temb))
        if self.classes > 0:
            emb = emb + self.label(label + 1)
        emb = (emb[:, None, :] + self.view_emb[None, :, :]).reshape(b * v, self.temb)
        hcur = self.inp(F.pixel_unshuffle(x.reshape(b * v, c, h, w), self.unshuffle))
        skips = []
        n = len(self.down)
        for i in range(n):
            hcur = self.down[i](hcur, emb)
            hcur = self.dattn[i](hcur)
            skips.append(hcur)
            hcur = self.pool[i](hcur)
        hcur = self.mid(hcur, emb)
        hcur = self.mattn(hcur)
        for j in range(n):
            i = n - 1 - j
            if i < n - 1:
                hcur = F.interpolate(hcur, scale_factor=2.0, mode="nearest")
            hcur = self.up[j](torch.cat([hcur, skips[i]], dim=1), emb)
            hcur = self.uattn[j](hcur)
        out = F.pixel_shuffle(self.outp(F.silu(self.out_norm(hcur))), self.unshuffle)
        return out.reshape(b, v, self.cout, h, w)


def plucker_rays(cams, res):
    """Plucker embeddings (o x d, d) of every pixel ray: cams [V, 16] (R row-major, p, fx, fy, cx, cy) -> [V, 6, res, res],
    plus the unit ray directions [V, 3, res, res] and the view-axis cosine [V, 1, res, res]."""
    v = cams.shape[0]
    r = cams[:, :9].reshape(v, 3, 3)
    p = cams[:, 9:12]
    fx, fy, cx, cy = cams[:, 12], cams[:, 13], cams[:, 14], cams[:, 15]
    js, iis = torch.meshgrid(torch.arange(res, dtype=torch.float32), torch.arange(res, dtype=torch.float32),
                             indexing="ij")
    u = (iis[None] + 0.5 - cx[:, None, None]) / fx[:, None, None]
    vv = (js[None] + 0.5 - cy[:, None, None]) / fy[:, None, None]
    dcam = torch.stack([u, vv, torch.ones_like(u)], dim=1)  # [V, 3, H, W], z = 1 (camera z units)
    dworld = torch.einsum("vji,vjhw->vihw", r, dcam)  # R^T dcam
    unit = dworld / dworld.norm(dim=1, keepdim=True)
    moment = torch.cross(p[:, :, None, None].expand_as(unit), unit, dim=1)
    return torch.cat([moment, unit], dim=1), dworld


class Reconstructor(nn.Module):
    """LGM-style: per pixel of the 4 target views, one Gaussian.

    forward(x_t [B,4,3,H,W], t [B], x0 [B,4,3,H,W], cond [B,3,H,W]) -> raw [B,4,12,H,W]; gaussians() turns raw
    outputs into rows of the bundle contract (x y z, opacity, scale xyz, quaternion wxyz, rgb)."""

    RAW = 12

    def __init__(self, cams, res, chans=(64, 128, 128), attn=(False, True, True), unshuffle=4, depth_mid=1.5,
                 depth_range=0.75):
        super().__init__()
        views = cams.shape[0]
        self.views = views
        self.res = res
        plk, dworld = plucker_rays(cams, res)
        self.register_buffer("plucker", plk)
        self.register_buffer("dirs", dworld)  # world direction per unit camera z
        self.register_buffer("origins", cams[:, 9:12].clone())
        self.register_buffer("footprint", (1.0 / cams[:, 12]).clone())  # pixel size per unit depth
        self.depth_mid = depth_mid
        self.depth_range = depth_range
        self.net = MultiViewUNet(3 + 3 + 3 + 6, self.RAW, views, chans=chans, attn=attn, unshuffle=unshuffle)

    def forward(self, x, t, x0, cond):
        b, v, c, h, w = x.shape
        condv = cond[:, None].expand(b, v, 3, h, w)
        plk = self.plucker[None].expand(b, v, 6, h, w)
        inp = torch.cat([x, x0, condv, plk], dim=2)
        return self.net(inp, t, torch.zeros_like(t))

    def decode(self, raw):
        """raw [B,V,12,H,W] -> dict of per-pixel Gaussian parameters, each [B,V,k,H,W]."""
        z = self.depth_mid + self.depth_range * torch.tanh(raw[:, :, 0:1])
        pos = self.origins[None, :, :, None, None] + self.dirs[None] * z
        opacity = torch.sigmoid(raw[:, :, 1:2])
        foot = z * self.footprint[None, :, None, None, None]
        scale = foot * torch.exp(torch.clamp(raw[:, :, 2:5], -6.0, 4.0))
        q = raw[:, :, 5:9] + torch.tensor([1.0, 0.0, 0.0, 0.0], device=raw.device).reshape(1, 1, 4, 1, 1)
        # linalg.vector_norm, not Tensor.norm: the latter traces to at::frobenius_norm, which libtorch 2.x warns about
        q = q / torch.clamp(torch.linalg.vector_norm(q, dim=2, keepdim=True), min=1e-6)
        rgb = torch.sigmoid(raw[:, :, 9:12])
        return {"z": z, "pos": pos, "opacity": opacity, "scale": scale, "rot": q, "rgb": rgb}

    def rows(self, raw):
        g = self.decode(raw)
        cat = torch.cat([g["pos"], g["opacity"], g["scale"], g["rot"], g["rgb"]], dim=2)  # [B,V,14,H,W]
        b = cat.shape[0]
        return cat.permute(0, 1, 3, 4, 2).reshape(b, -1, 14)


def quat_axis_z(q):
    """Third column of the rotation matrix of unit quaternions q [...,4 (wxyz), ...] along dim 2 -> [..., 3, ...]."""
    w, x, y, z = q[:, :, 0:1], q[:, :, 1:2], q[:, :, 2:3], q[:, :, 3:4]
    return torch.cat([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)], dim=2)
