#!/usr/bin/python3
"""Reference PSNR / masked PSNR / SSIM values for ImageMetricsTest (trainer module).

Run with the system interpreter that has scikit-image 0.19 and numpy:

    /usr/bin/python3 trainer/src/test/python/ssim_reference.py

The test images come from closed-form formulas that ImageMetricsTest evaluates identically (in double precision,
then rounded to float32), so both sides see the same pixels. Layout: planar (channel, row, column), channel_axis=0.
The printed numbers are pinned in ImageMetricsTest.PINNED (tolerance 1e-4); CI has no Python and uses the pins.
"""
import numpy as np
from skimage.metrics import structural_similarity


def image(case, which, h, w):
    """Pixel (c, y, x) of image `which` (0 = ground truth, 1 = prediction) for test case `case`; float32 → float64."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(h), np.arange(w), indexing="ij")
    c = c.astype(np.float64)
    y = y.astype(np.float64)
    x = x.astype(np.float64)
    if case == 0:
        g = 0.5 + 0.4 * np.sin(0.3 * x + 0.2 * y + c)
        p = g + 0.1 * np.cos(0.7 * x - 0.5 * y + 2.0 * c)
    else:
        g = 0.5 + 0.45 * np.sin(0.05 * x * y + 0.9 * c) * np.cos(0.11 * x - 0.07 * y)
        p = 0.5 + 0.45 * np.sin(0.05 * x * y + 0.9 * c + 0.3) * np.cos(0.1 * x - 0.08 * y) + 0.2 * (x > 20)
    v = g if which == 0 else p
    return np.clip(v, 0.0, 1.0).astype(np.float32).astype(np.float64)


def mask(h, w):
    """Pixel mask (row, column): true inside an off-centre disc."""
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return (x - 0.6 * w) ** 2 + (y - 0.4 * h) ** 2 < (0.35 * min(w, h)) ** 2


def psnr(p, g):
    mse = np.mean((p - g) ** 2)
    return 100.0 if mse == 0 else 10.0 * np.log10(1.0 / mse)


for case, (h, w) in enumerate([(24, 32), (17, 40)]):
    g = image(case, 0, h, w)
    p = image(case, 1, h, w)
    m = mask(h, w)
    ssim = structural_similarity(p, g, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                 data_range=1.0, channel_axis=0)
    masked = psnr(p[:, m], g[:, m])
    print(f"case {case} ({w}x{h}): psnr={psnr(p, g):.10f} maskedPsnr={masked:.10f} ssim={ssim:.10f}"
          f" maskPixels={int(m.sum())}")
