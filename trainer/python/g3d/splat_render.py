"""A differentiable Gaussian-splat renderer in PyTorch, for a rendering loss at novel views (issue 5).

It implements the math of the project's CPU reference rasterizer (docs/rendering.md): pinhole projection
(c = R (x - p), u = fx c.x / c.z + cx), EWA covariance with the 1.3 tan(fov/2) clamp and the +0.3 px^2 low-pass,
radius ceil(3 sqrt(lambda_max)) over pixel centres, alpha = min(0.99, o exp(power)) with the 1/255 cut, and
front-to-back compositing without early stop. Colours are straight RGB (SH degree 0).

Instead of tiles it works on (splat, pixel) pairs: every splat contributes to the pixels of a fixed K x K window
around its centre (K = 2 * half + 1), masked by its own radius, so the work is N * K^2 and everything is plain
tensor ops that autograd differentiates. Pairs are sorted by (pixel, depth); the transmittance in front of each
pair is exp of an exclusive, per-pixel segmented cumulative sum of log(1 - alpha). Splats whose radius exceeds the
window are truncated to it (render() reports how many): pick half >= the largest radius you expect (per-pixel
Gaussians of a 64 px view rarely exceed 3 px).

render_reference() is the plain version (every splat against every pixel, loops over splats in depth order) that
the fast path is checked against; the CPU reference rasterizer in Java is checked against through a fixture.
"""
import torch

NEAR = 0.2
LOW_PASS = 0.3
ALPHA_MAX = 0.99
ALPHA_MIN = 1.0 / 255.0


def quat_to_mat(q):
    """Unit quaternions [N, 4] (w, x, y, z) -> rotation matrices [N, 3, 3]."""
    q = q / q.norm(dim=1, keepdim=True).clamp(min=1e-12)
    w, x, y, z = q.unbind(1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], dim=1).reshape(-1, 3, 3)


def project(pos, scale, rot, cam, width, height):
    """Projects splats [N] through one camera row [16] (R row-major, p, fx, fy, cx, cy).

    Returns (u, v, depth, conic [N, 3] = (a, b, c), radius [N] in pixels, visible [N] bool)."""
    r = cam[:9].reshape(3, 3)
    p = cam[9:12]
    fx, fy, cx, cy = cam[12], cam[13], cam[14], cam[15]
    c = (pos - p) @ r.T
    z = c[:, 2]
    visible = z > NEAR
    zs = torch.where(visible, z, torch.ones_like(z))  # keeps culled splats' arithmetic finite
    u = fx * c[:, 0] / zs + cx
    v = fy * c[:, 1] / zs + cy
    limx = 1.3 * width / (2 * fx)
    limy = 1.3 * height / (2 * fy)
    tx = torch.maximum(torch.minimum(c[:, 0] / zs, limx), -limx)
    ty = torch.maximum(torch.minimum(c[:, 1] / zs, limy), -limy)
    zero = torch.zeros_like(zs)
    jac = torch.stack([fx / zs, zero, -fx * tx / zs, zero, fy / zs, -fy * ty / zs], dim=1).reshape(-1, 2, 3)
    a = quat_to_mat(rot) * scale[:, None, :]  # R S
    b = jac @ r[None] @ a  # J W R S
    cov = b @ b.transpose(1, 2)
    s00 = cov[:, 0, 0] + LOW_PASS
    s01 = cov[:, 0, 1]
    s11 = cov[:, 1, 1] + LOW_PASS
    det = s00 * s11 - s01 * s01
    visible = visible & (det > 0)
    dets = torch.where(visible, det, torch.ones_like(det))
    conic = torch.stack([s11 / dets, -s01 / dets, s00 / dets], dim=1)
    mid = 0.5 * (s00 + s11)
    lam = mid + torch.sqrt(torch.clamp(mid * mid - dets, min=0.1))
    radius = torch.ceil(3 * torch.sqrt(lam)).detach()
    return u, v, z, conic, radius, visible


def render(pos, scale, rot, opacity, rgb, cam, width, height, background=1.0, half=4):
    """Renders splats (pos [N,3], scale [N,3] linear, rot [N,4] wxyz, opacity [N], rgb [N,3]) through cam [16].

    Returns (image [3, H, W] composited on the background, alpha [H, W], truncated: how many visible splats have a
    radius beyond the window). Differentiable in every splat parameter (not in the window's integer geometry)."""
    u, v, z, conic, radius, visible = project(pos, scale, rot, cam, width, height)
    k = 2 * half + 1
    offs = torch.arange(-half, half + 1, dtype=torch.long)
    cx = torch.floor(u).long().detach()
    cy = torch.floor(v).long().detach()
    px = (cx[:, None, None] + offs[None, None, :]).expand(-1, k, k)  # [N, K, K]
    py = (cy[:, None, None] + offs[None, :, None]).expand(-1, k, k)
    dx = px.to(u.dtype) + 0.5 - u[:, None, None]
    dy = py.to(v.dtype) + 0.5 - v[:, None, None]
    inside = (px >= 0) & (px < width) & (py >= 0) & (py < height)
    inside &= (dx.abs() <= radius[:, None, None]) & (dy.abs() <= radius[:, None, None]) & visible[:, None, None]
    power = -0.5 * (conic[:, 0, None, None] * dx * dx + conic[:, 2, None, None] * dy * dy) \
        - conic[:, 1, None, None] * dx * dy
    alpha = torch.clamp(opacity[:, None, None] * torch.exp(torch.clamp(power, max=0.0)), max=ALPHA_MAX)
    keep = inside & (power <= 0) & (alpha >= ALPHA_MIN)
    sel = keep.reshape(-1).nonzero(as_tuple=True)[0]
    splat = sel // (k * k)
    pix = (py.reshape(-1)[sel] * width + px.reshape(-1)[sel])
    a = alpha.reshape(-1)[sel]
    d = z.detach()[splat]
    # sort by (pixel, depth, splat index): depth first, then stable by pixel
    order = torch.argsort(d, stable=True)
    order = order[torch.argsort(pix[order], stable=True)]
    pix, a, splat = pix[order], a[order], splat[order]
    # float64: the running sum spans every pair of the image, and each pixel's part is a difference of two of them
    log1m = torch.log1p(-a.double())
    cs = torch.cumsum(log1m, 0)
    excl = cs - log1m  # sum of log(1 - alpha) of everything before, over all pixels
    start = torch.ones_like(pix, dtype=torch.bool)
    if pix.numel() > 1:
        start[1:] = pix[1:] != pix[:-1]
    seg = torch.cumsum(start.long(), 0) - 1
    base = excl[start]  # the running sum where each pixel's segment begins
    trans = torch.exp(excl - base[seg]).to(a.dtype)
    w = a * trans
    hw = width * height
    col = torch.zeros(hw, 3, dtype=pos.dtype).index_add(0, pix, w[:, None] * rgb[splat])
    acc = torch.zeros(hw, dtype=pos.dtype).index_add(0, pix, w)
    img = col + (1 - acc)[:, None] * background
    truncated = int(((radius > half) & visible).sum())
    return img.T.reshape(3, height, width), acc.reshape(height, width), truncated


def render_reference(pos, scale, rot, opacity, rgb, cam, width, height, background=1.0):
    """The plain renderer: every visible splat, in depth order, against every pixel of its radius square.

    Slow (a Python loop over splats); for tests only."""
    u, v, z, conic, radius, visible = project(pos, scale, rot, cam, width, height)
    ys, xs = torch.meshgrid(torch.arange(height, dtype=pos.dtype), torch.arange(width, dtype=pos.dtype),
                            indexing="ij")
    col = torch.zeros(3, height, width, dtype=pos.dtype)
    trans = torch.ones(height, width, dtype=pos.dtype)
    for i in torch.argsort(z.detach(), stable=True).tolist():
        if not bool(visible[i]):
            continue
        dx = xs + 0.5 - u[i]
        dy = ys + 0.5 - v[i]
        r = float(radius[i])
        inside = (dx.abs() <= r) & (dy.abs() <= r)
        power = -0.5 * (conic[i, 0] * dx * dx + conic[i, 2] * dy * dy) - conic[i, 1] * dx * dy
        alpha = torch.clamp(opacity[i] * torch.exp(torch.clamp(power, max=0.0)), max=ALPHA_MAX)
        alpha = torch.where(inside & (power <= 0) & (alpha >= ALPHA_MIN), alpha, torch.zeros_like(alpha))
        col = col + (trans * alpha)[None] * rgb[i][:, None, None]
        trans = trans * (1 - alpha)
    return col + trans[None] * background, 1 - trans

