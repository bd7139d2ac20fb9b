#!/usr/bin/python3
"""Smoke and regression tests of the training code (run by ./test.sh; needs Debian's python3-torch, -numpy and
-matplotlib): a tiny synthetic dataset in the DatasetTool layout, a few training steps, resume-equals-uninterrupted,
export with dynamic batch, and the Gaussian decoding geometry.

Run: /usr/bin/python3 trainer/python/test_pipeline.py
"""
import json
import math
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from g3d import nets, schedule  # noqa: E402
from g3d.data import INPUT, NOVEL, TARGETS, Split  # noqa: E402
import export  # noqa: E402
import finetune  # noqa: E402
import train  # noqa: E402

RES = 16


class ZeroDenoiser(torch.nn.Module):
    """A denoiser that predicts v = 0 for every view (its input is the views and the input view, channel-stacked)."""
    def forward(self, x, t, v):
        return torch.zeros_like(x[:, :, 3:])


def orbit_cam(az, el, res=RES, radius=1.5, fov=49.1):
    """The rig camera in the dataset's layout (R rows = right, down, forward; p; fx fy cx cy), as PinholeCamera.orbit."""
    a, e = math.radians(az), math.radians(el)
    off = np.array([math.cos(e) * math.sin(a), math.sin(e), math.cos(e) * math.cos(a)])
    d = -off
    up = np.array([-math.sin(e) * math.sin(a), math.cos(e), -math.sin(e) * math.cos(a)])
    right = np.cross(d, up)
    f = res / (2 * math.tan(math.radians(fov) / 2))
    return np.concatenate([np.stack([right, -up, d]).reshape(9), radius * off, [f, f, res / 2, res / 2]])


def write_dataset(root, n_train=6, n_val=3):
    """A sphere of radius 0.4 seen by the 9 dataset views: colour, alpha, depth and normal computed analytically."""
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("val", n_val)):
        os.makedirs(os.path.join(root, split))
        arrays = {k: [] for k in ("rgb", "alpha", "depth", "normal", "cam", "label", "seed")}
        for i in range(n):
            colour = rng.integers(40, 220, 3)
            views = [(0, 10)] + [(a, 0) for a in (0, 90, 180, 270)] + [(rng.uniform(0, 360), 20)] * 4
            cams = np.stack([orbit_cam(a, e) for a, e in views]).astype(np.float32)
            rgb = np.zeros((9, RES, RES, 3), np.uint8)
            alpha = np.zeros((9, RES, RES), np.uint8)
            depth = np.zeros((9, RES, RES), np.float32)
            normal = np.zeros((9, RES, RES, 3), np.int8)
            for v in range(9):
                r, p, (fx, fy, cx, cy) = cams[v, :9].reshape(3, 3), cams[v, 9:12], cams[v, 12:]
                for y in range(RES):
                    for x in range(RES):
                        d = r.T @ np.array([(x + 0.5 - cx) / fx, (y + 0.5 - cy) / fy, 1.0])
                        # |p + s d| = 0.4, s in camera-z units since d has unit z in camera space
                        a2, b2, c2 = d @ d, 2 * p @ d, p @ p - 0.16
                        disc = b2 * b2 - 4 * a2 * c2
                        if disc > 0:
                            s = (-b2 - math.sqrt(disc)) / (2 * a2)
                            q = p + s * d
                            rgb[v, y, x] = colour
                            alpha[v, y, x] = 255
                            depth[v, y, x] = s
                            normal[v, y, x] = np.round(q / 0.4 * 127)
            for k, val in (("rgb", rgb), ("alpha", alpha), ("depth", depth), ("normal", normal), ("cam", cams),
                           ("label", i % 10), ("seed", i)):
                arrays[k].append(val)
        for k, val in arrays.items():
            np.save(os.path.join(root, split, f"shard-00000.{k}.npy"), np.stack(arrays[k]) if k not in ("label", "seed")
                    else np.array(val, np.int64))
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump({"synthetic": True}, f)


class PipelineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data")
        write_dataset(cls.data)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_train(self, out, steps, extra=()):
        train.main(["--data", self.data, "--out", out, "--steps", str(steps), "--batch", "2", "--ckpt-every", "2",
                    "--val-every", "4", "--threads", "1", *extra])
        return torch.load(os.path.join(out, "last.pt"))

    def test_resume_equals_uninterrupted_and_loss_files(self):
        a = self.run_train(os.path.join(self.tmp.name, "a"), 4)
        b_dir = os.path.join(self.tmp.name, "b")
        self.run_train(b_dir, 2)
        b = self.run_train(b_dir, 4)
        self.assertEqual(a["step"], 4)
        self.assertEqual(b["step"], 4)
        for k in a["models"]:
            for name, t in a["models"][k].items():
                self.assertTrue(torch.equal(t, b["models"][k][name]), f"{k}.{name} differs after resume")
        rows = open(os.path.join(b_dir, "loss.csv")).read().strip().splitlines()
        self.assertEqual(len(rows), 5, "header + one row per step, no duplicates after resume")
        self.assertTrue(os.path.getsize(os.path.join(b_dir, "loss.png")) > 1000)

    def test_training_reduces_reconstruction_loss(self):
        out = os.path.join(self.tmp.name, "c")
        first = None
        for steps in (1, 40):
            self.run_train(out, steps, ("--lr", "2e-3"))
            rows = [r.split(",") for r in open(os.path.join(out, "loss.csv")).read().strip().splitlines()[1:]]
            if first is None:
                first = float(rows[0][6])
        last = np.mean([float(r[6]) for r in rows[-5:]])
        self.assertLess(last, 0.7 * first, f"recon loss {first} -> {last}")

    def run_finetune(self, init, out, steps, extra=()):
        finetune.main(["--data", self.data, "--init", init, "--out", out, "--steps", str(steps), "--batch", "2",
                       "--ckpt-every", "2", "--val-every", "0", "--threads", "1", "--half", "3", *extra])
        return torch.load(os.path.join(out, "last.pt"))

    def test_finetune_resumes_exactly_moves_only_the_reconstructor_and_exports(self):
        run = os.path.join(self.tmp.name, "ft-base")
        base = self.run_train(run, 2)
        init = os.path.join(run, "last.pt")
        a = self.run_finetune(init, os.path.join(self.tmp.name, "ft-a"), 4)
        b_dir = os.path.join(self.tmp.name, "ft-b")
        self.run_finetune(init, b_dir, 2)
        b = self.run_finetune(init, b_dir, 4)
        self.assertEqual(a["finetune"]["step"], 4)
        for name, t in a["models"]["reconstructor"].items():
            self.assertTrue(torch.equal(t, b["models"]["reconstructor"][name]), f"{name} differs after resume")
        moved = any(not torch.equal(t, base["ema"]["reconstructor"][n]) for n, t in a["models"]["reconstructor"].items())
        self.assertTrue(moved, "the reconstructor was trained")
        for k in ("denoiser", "frontend"):
            for n, t in a["models"][k].items():
                self.assertTrue(torch.equal(t, base["ema"][k][n]), f"{k}.{n} must stay frozen")
        rows = open(os.path.join(b_dir, "finetune.csv")).read().strip().splitlines()
        self.assertEqual(len(rows), 5, "header + one row per step after resume")
        self.assertTrue(all(math.isfinite(float(r.split(",")[4])) for r in rows[1:]), "render loss logged")
        self.assertTrue(os.path.getsize(os.path.join(b_dir, "finetune.png")) > 1000)
        out = os.path.join(self.tmp.name, "ft-bundle")
        export.main(["--run", os.path.join(self.tmp.name, "ft-a"), "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))
        self.assertEqual(m["metadata"]["finetuneSteps"], 4)
        self.assertIn("rendering loss", m["description"])

    def test_trajectory_stage_chains_on_a_fine_tune_and_export_names_every_stage(self):
        run = os.path.join(self.tmp.name, "tr-base")
        self.run_train(run, 2)
        first = os.path.join(self.tmp.name, "tr-1")
        self.run_finetune(os.path.join(run, "last.pt"), first, 2)
        second = os.path.join(self.tmp.name, "tr-2")
        st = self.run_finetune(os.path.join(first, "last.pt"), second, 3,
                               ("--trajectory", "1", "--chain", "2", "--guidance", "3"))
        stages = export.finetune_stages(st)
        self.assertEqual([x["step"] for x in stages], [2, 3])
        self.assertEqual(stages[1]["args"]["trajectory"], 1.0)
        out = os.path.join(self.tmp.name, "tr-bundle")
        export.main(["--run", second, "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))["metadata"]
        self.assertEqual(m["finetuneSteps"], 5)
        self.assertEqual([(x["steps"], x["trajectory"]) for x in m["finetuneStages"]], [(2, 0.0), (3, 1.0)])

    def stage_resumed(self, name, opts, trained, parts=("models",)):
        """A 2-step base run, then a 4-step stage with opts run straight (NAME-a) and interrupted after 2 steps and
        resumed (NAME-b): asserts both end bit-identical in parts, and that exactly the networks in trained moved.
        Returns (base, a, b_dir)."""
        base = self.run_train(os.path.join(self.tmp.name, name + "-base"), 2)
        init = os.path.join(self.tmp.name, name + "-base", "last.pt")
        a = self.run_finetune(init, os.path.join(self.tmp.name, name + "-a"), 4, opts)
        b_dir = os.path.join(self.tmp.name, name + "-b")
        self.run_finetune(init, b_dir, 2, opts)
        b = self.run_finetune(init, b_dir, 4, opts)
        for part in parts:
            for k in ("reconstructor", "denoiser", "frontend"):
                for n, t in a[part][k].items():
                    self.assertTrue(torch.equal(t, b[part][k][n]), f"{part} {k}.{n} differs after resume")
        for k in ("reconstructor", "denoiser", "frontend"):
            moved = any(not torch.equal(t, base["ema"][k][n]) for n, t in a["models"][k].items())
            self.assertEqual(moved, k in trained, f"{k} {'trained' if k in trained else 'frozen'}")
        return base, a, b_dir

    def test_denoiser_stage_resumes_exactly_and_moves_the_denoiser_too(self):
        opts = ("--trajectory", "1", "--chain", "2", "--guidance", "3", "--ddim", "--denoiser-lr", "1e-4")
        _, a, _ = self.stage_resumed("dn", opts, ("reconstructor", "denoiser"))
        out = os.path.join(self.tmp.name, "dn-bundle")
        export.main(["--run", os.path.join(self.tmp.name, "dn-a"), "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))["metadata"]
        self.assertEqual(m["finetuneStages"][-1]["denoiser_lr"], 1e-4)
        self.assertTrue(m["finetuneStages"][-1]["ddim"])
        den = torch.jit.load(os.path.join(out, "denoiser.pt")).state_dict()
        self.assertTrue(all(torch.equal(v, a["models"]["denoiser"][n[len("net."):]]) for n, v in den.items()
                            if n.startswith("net.")), "the bundle carries the fine-tuned denoiser")

    def test_denoiser_only_stage_resumes_exactly_moves_only_the_denoiser_and_exports_its_ema(self):
        opts = ("--denoiser-only", "--denoiser-lr", "1e-3", "--warmup", "2", "--ema", "0.5", "--val-every", "2")
        _, a, b_dir = self.stage_resumed("do", opts, ("denoiser",), ("models", "ema"))
        ema_differs = any(not torch.equal(t, a["models"]["denoiser"][n]) for n, t in a["ema"]["denoiser"].items())
        self.assertTrue(ema_differs, "the checkpoint's EMA is an average, not the last weights")
        rows = open(os.path.join(b_dir, "finetune.csv")).read().strip().splitlines()
        self.assertEqual(rows[0], "step,sec,lr,v_loss,val_v_loss")
        self.assertEqual([r.split(",")[0] for r in rows[1:]], ["0", "1", "2", "3", "4"], "no duplicates after resume")
        self.assertTrue(all(math.isfinite(float(r.split(",")[4])) for r in rows[1:] if r.split(",")[4]))
        out = os.path.join(self.tmp.name, "do-bundle")
        export.main(["--run", os.path.join(self.tmp.name, "do-a"), "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))
        self.assertTrue(m["metadata"]["finetuneStages"][-1]["denoiser_only"])
        self.assertIn("4 steps training the denoiser alone", m["description"])
        den = torch.jit.load(os.path.join(out, "denoiser.pt")).state_dict()
        self.assertTrue(all(torch.equal(v, a["ema"]["denoiser"][n[len("net."):]]) for n, v in den.items()
                            if n.startswith("net.")), "the bundle carries the stage's EMA denoiser")
        with self.assertRaises(SystemExit):
            finetune.main(["--data", self.data, "--init", os.path.join(self.tmp.name, "do-base", "last.pt"),
                           "--out", b_dir, "--denoiser-only"])

    def test_denoiser_step_is_the_v_loss_of_training(self):
        den = ZeroDenoiser()
        b = Split(self.data, "train").batch([0, 1])
        g = torch.Generator().manual_seed(5)
        loss = finetune.denoiser_step(den, b, schedule.alphas_cumprod(), g)
        g = torch.Generator().manual_seed(5)
        _, _, _, v = train.noisy(b["img"][:, TARGETS], schedule.alphas_cumprod(), g)
        self.assertAlmostEqual(loss.item(), (v ** 2).mean().item(), places=6)

    def test_target_view_stage_resumes_exactly_and_export_records_its_weights(self):
        run = os.path.join(self.tmp.name, "tv-base")
        self.run_train(run, 2)
        init = os.path.join(run, "last.pt")
        opts = ("--target-views", "2", "--direct-weight", "0.1", "--trajectory", "0.5", "--chain", "2")
        a = self.run_finetune(init, os.path.join(self.tmp.name, "tv-a"), 4, opts)
        b_dir = os.path.join(self.tmp.name, "tv-b")
        self.run_finetune(init, b_dir, 2, opts)
        b = self.run_finetune(init, b_dir, 4, opts)
        for n, t in a["models"]["reconstructor"].items():
            self.assertTrue(torch.equal(t, b["models"]["reconstructor"][n]), f"{n} differs after resume")
        # a different loss balance is a different stage: the weights must not match the default stage's
        c = self.run_finetune(init, os.path.join(self.tmp.name, "tv-c"), 4, opts[4:])
        self.assertFalse(all(torch.equal(t, c["models"]["reconstructor"][n])
                             for n, t in a["models"]["reconstructor"].items()), "the options change the training")
        out = os.path.join(self.tmp.name, "tv-bundle")
        export.main(["--run", os.path.join(self.tmp.name, "tv-a"), "--out", out])
        st = json.load(open(os.path.join(out, "bundle.json")))["metadata"]["finetuneStages"][-1]
        self.assertEqual((st["target_views"], st["direct_weight"]), (2, 0.1))

    def test_render_loss_at_target_views_compares_with_the_target_images(self):
        tr = Split(self.data, "train")
        cams = tr.target_cams()
        rec = train.build(cams, tr.res)["reconstructor"].eval()
        b = tr.batch([0, 1])
        with torch.no_grad():
            g = rec.decode(rec(b["img"][:, TARGETS], torch.zeros(2, dtype=torch.long), b["img"][:, TARGETS],
                               b["img"][:, INPUT]))
            views = [[1, 3], [2]]
            c4 = cams[None].expand(2, 4, 16)
            got = finetune.render_loss(g, b, c4, views, tr.res, 3, TARGETS).item()
            want = []
            squared = []
            for i in range(2):
                for v in views[i]:
                    img, acc, _ = finetune.splat_render.render(*finetune.splats_of(g, i), cams[v], tr.res, tr.res,
                                                               half=3)
                    want.append((img - (b["img"][i, TARGETS][v] + 1) / 2).abs().mean().item()
                                + (acc - b["alpha"][i, TARGETS][v, 0]).abs().mean().item())
                    squared.append(((img - (b["img"][i, TARGETS][v] + 1) / 2) ** 2).mean().item())
            self.assertAlmostEqual(got, sum(want) / 3, places=6)
            self.assertGreater(sum(squared), 1e-4)
            self.assertAlmostEqual(finetune.render_loss(g, b, c4, views, tr.res, 3, TARGETS, mse=2.5).item(),
                                   (sum(want) + 2.5 * sum(squared)) / 3, places=6, msg="--render-mse adds its term")
            # blank the novel views: the target-view loss must not move, the default (novel-view) loss must
            blank = dict(b, img=b["img"].clone())
            blank["img"][:, NOVEL] = 1.0
            self.assertEqual(finetune.render_loss(g, blank, c4, views, tr.res, 3, TARGETS).item(), got)
            self.assertNotAlmostEqual(finetune.render_loss(g, blank, c4, views, tr.res, 3).item(),
                                      finetune.render_loss(g, b, c4, views, tr.res, 3).item(), places=3,
                                      msg="the default compares with the novel views")

    def test_masked_psnr_counts_the_union_of_both_silhouettes(self):
        gt = torch.ones(3, 2, 2)
        img = gt.clone()
        img[:, 0, 0] = 0.9  # inside the true silhouette only: error 0.01 per channel
        img[:, 1, 1] = 0.8  # inside the predicted silhouette only: error 0.04 per channel
        img[:, 0, 1] = 0.5  # outside both: not counted
        ga = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
        acc = torch.tensor([[0.0, 0.0], [0.0, 0.9]])
        want = 10 * math.log10(1 / ((0.01 + 0.04) / 2))
        self.assertAlmostEqual(finetune.masked_psnr(img, acc, gt, ga), want, places=4)

    def test_denoiser_loss_is_the_v_loss_plus_a_bounded_x0_loss(self):
        ab_table = schedule.alphas_cumprod()
        gen = torch.Generator().manual_seed(3)
        tgt = torch.rand(2, 4, 3, RES, RES) * 2 - 1
        cond = torch.rand(2, 3, RES, RES)
        t0 = torch.tensor([400, 900])
        xt0, v0 = schedule.add_noise(tgt, torch.randn(tgt.shape, generator=gen), ab_table[t0])
        t = torch.tensor([0, 500])
        ab = ab_table[t]
        xt = torch.randn(tgt.shape, generator=gen)

        got = finetune.denoiser_loss(ZeroDenoiser(), xt0, t0, v0, xt, t, ab, tgt, cond,
                                     torch.Generator().manual_seed(1))
        snr = ab / (1 - ab)
        self.assertGreater(float(snr[0]), 5.0)
        self.assertLess(float(snr[1]), 5.0)
        w = torch.stack([torch.tensor(5.0), snr[1]]).reshape(-1, 1, 1, 1, 1)
        x0 = ab.sqrt().reshape(-1, 1, 1, 1, 1) * xt
        want = (v0 ** 2).mean() + (w * (x0 - tgt) ** 2).mean()
        self.assertAlmostEqual(float(got), float(want), places=5)

    def test_trajectory_input_steps_down_the_schedule_from_the_reconstructors_render(self):
        tr = Split(self.data, "train")
        cams = tr.target_cams()
        models = train.build(cams, tr.res)
        b = tr.batch(np.array([0, 1]))
        tgt, cond = b["img"][:, TARGETS], b["img"][:, INPUT]
        ab_table = schedule.alphas_cumprod()
        t = torch.tensor([500, 30])
        xt, _ = schedule.add_noise(tgt, torch.randn(tgt.shape), ab_table[t])

        class CondEcho(torch.nn.Module):
            """A denoiser whose v is half its input-view channels: the guided v is then guidance/2 x the view."""
            def forward(self, x, t, v):
                return 0.5 * x[:, :, 3:]

        out = [finetune.trajectory_input(models["reconstructor"], CondEcho(), xt, t, tgt, cond, cams, tr.res,
                                         3, ab_table, torch.Generator().manual_seed(5), 20, 2, g)
               for g in (1.0, 3.0, 3.0)]
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(out[1], out[2])), "deterministic for one seed")
        for (t2, ab2, xt2, x02), g in zip(out, (1.0, 3.0)):
            self.assertEqual(t2.tolist(), [460, 0])
            self.assertTrue(torch.equal(ab2, ab_table[t2]))
            self.assertEqual(xt2.shape, tgt.shape)
            self.assertFalse(xt2.requires_grad or x02.requires_grad)
            s, r = ab2.sqrt().reshape(-1, 1, 1, 1, 1), (1 - ab2).sqrt().reshape(-1, 1, 1, 1, 1)
            want = (s * xt2 - r * (g * 0.5) * cond[:, None].expand_as(xt2)).clamp(-1, 1)
            self.assertTrue(torch.allclose(x02, want, atol=1e-6), f"guided x0 at guidance {g}")
        # the second prop is at t = 0 after the chain, where x_t is the reconstructor's render itself, in [-1, 1]
        self.assertLessEqual(float(out[0][2][1].abs().max()), 1.0 + 1e-6)

    def test_trajectory_input_ddim_takes_the_samplers_deterministic_step(self):
        tr = Split(self.data, "train")
        cams = tr.target_cams()
        rec = train.build(cams, tr.res)["reconstructor"].eval()
        b = tr.batch(np.array([0, 1]))
        tgt, cond = b["img"][:, TARGETS], b["img"][:, INPUT]
        ab_table = schedule.alphas_cumprod()
        t = torch.tensor([700, 10])
        xt, _ = schedule.add_noise(tgt, torch.randn(tgt.shape, generator=torch.Generator().manual_seed(2)),
                                   ab_table[t])

        with torch.no_grad():
            g = rec.decode(rec(xt, t, tgt, cond))
            render = torch.stack([torch.stack([finetune.splat_render.render(*finetune.splats_of(g, i), cams[v],
                                                                            tr.res, tr.res, half=3)[0]
                                               for v in range(4)]) for i in range(2)]) * 2 - 1
        outs = [finetune.trajectory_input(rec, ZeroDenoiser(), xt, t, tgt, cond, cams, tr.res, 3, ab_table,
                                          torch.Generator().manual_seed(s), 20, 1, 1.0, ddim=True) for s in (1, 9)]
        self.assertTrue(torch.equal(outs[0][2], outs[1][2]), "no random numbers in the DDIM step")
        t2, ab2, xt2, _ = outs[0]
        self.assertEqual(t2.tolist(), [680, 0])
        for i in range(2):
            a, a2 = float(ab_table[t[i]]), float(ab2[i])
            eps = (xt[i] - math.sqrt(a) * render[i]) / math.sqrt(1 - a)
            want = math.sqrt(a2) * render[i] + math.sqrt(1 - a2) * eps
            self.assertTrue(torch.allclose(xt2[i], want, atol=1e-4), f"DDIM update of prop {i}")
        noisy = finetune.trajectory_input(rec, ZeroDenoiser(), xt, t, tgt, cond, cams, tr.res, 3, ab_table,
                                          torch.Generator().manual_seed(1), 20, 1, 1.0)[2]
        self.assertFalse(torch.allclose(noisy, xt2, atol=1e-2), "the default still draws fresh noise")

    def test_export_traces_with_dynamic_batch_and_valid_manifest(self):
        run = os.path.join(self.tmp.name, "d")
        self.run_train(run, 2)
        out = os.path.join(self.tmp.name, "bundle")
        export.main(["--run", run, "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))
        self.assertEqual(set(m["files"]), {"denoiser.pt", "reconstructor.pt", "frontend.pt"})
        for f, sha in m["files"].items():
            self.assertEqual(export.sha256(os.path.join(out, f)), sha)
        self.assertEqual(m["components"]["denoiser"]["scheduler"]["prediction_type"], "v_prediction")
        self.assertNotIn("sampler", m, "no refinement recommended unless asked")
        out2 = os.path.join(self.tmp.name, "bundle2")
        export.main(["--run", run, "--out", out2, "--refinement", "1,0.25"])
        m2 = json.load(open(os.path.join(out2, "bundle.json")))
        self.assertEqual(m2["sampler"]["refinement"], {"atNoise": 1.0, "atClean": 0.25})
        self.assertNotIn("guidance", m2["sampler"], "no guidance recommended unless asked")
        for bad in ("1", "1,2", "a,b", "0.5,-0.1"):
            with self.assertRaises(SystemExit, msg=bad):
                export.main(["--run", run, "--out", out2, "--refinement", bad])
        export.main(["--run", run, "--out", out2, "--guidance", "3"])
        m3 = json.load(open(os.path.join(out2, "bundle.json")))
        self.assertEqual(m3["sampler"]["guidance"], 3.0)
        self.assertNotIn("refinement", m3["sampler"])
        for bad in ("-1", "51", "nan", "x"):
            with self.assertRaises(SystemExit, msg=bad):
                export.main(["--run", run, "--out", out2, "--guidance", bad])
        rec = torch.jit.load(os.path.join(out, "reconstructor.pt"))
        x = torch.zeros(3, 4, 3, RES, RES)
        rows = rec(x, torch.tensor([5, 500, 999]), x, torch.zeros(3, 3, RES, RES))
        self.assertEqual(tuple(rows.shape), (3, 4 * RES * RES, 14))
        self.assertTrue(torch.isfinite(rows).all())
        q = rows[..., 7:11]
        self.assertTrue(torch.allclose(q.norm(dim=-1), torch.ones(1), atol=1e-5))

    def test_condition_array_mixture_and_game_art_lineage(self):
        # a second dataset with the condition array (as ArtDatasetTool writes it), mixed in by weight
        art = os.path.join(self.tmp.name, "art")
        write_dataset(art, n_train=4, n_val=2)
        for split, n in (("train", 4), ("val", 2)):
            np.save(os.path.join(art, split, "shard-00000.cond.npy"), np.full((n, RES, RES, 3), 51, np.uint8))
            np.save(os.path.join(art, split, "shard-00000.label.npy"), np.full(n, -1, np.int64))
        plain = Split(self.data, "train")
        self.assertIsNone(plain.cond)
        b = plain.batch([0, 1])
        self.assertTrue(torch.equal(b["cond"], b["img"][:, INPUT]), "without cond the input view is the condition")
        with_cond = Split(art, "train").batch([0])
        self.assertTrue(torch.allclose(with_cond["cond"], torch.full((1, 3, RES, RES), 2 * 51 / 255 - 1)))
        mix = train.gdata.load(self.data, art, 0.75, "train")
        self.assertEqual(mix.n, 6 + 4)
        idx = mix.sample(np.random.default_rng(0), 4000)
        frac = float(np.mean(idx >= 6))
        self.assertAlmostEqual(frac, 0.75, delta=0.03)
        mb = mix.batch(np.array([1, 7]))
        self.assertEqual(mb["label"].tolist(), [1, -1])
        self.assertTrue(torch.equal(mb["cond"][0], plain.batch([1])["cond"][0]))
        self.assertTrue(torch.equal(mix.cams_of([7], NOVEL)[0], torch.from_numpy(Split(art, "train").cam[1, NOVEL])))
        self.assertIs(train.gdata.load(self.data, art, 0.0, "train").__class__, Split, "weight 0: no mixture")
        # continue an exported bundle on the mixture, training the 2D networks only, and export it again
        base = os.path.join(self.tmp.name, "base-run")
        self.run_train(base, 1)
        base_bundle = os.path.join(self.tmp.name, "base-bundle")
        export.main(["--run", base, "--out", base_bundle])
        run = os.path.join(self.tmp.name, "art-run")
        st = self.run_train(run, 2, ["--art-data", art, "--art-weight", "0.5", "--init-bundle", base_bundle,
                                     "--only", "denoiser,frontend"])
        sd0 = torch.load(os.path.join(base, "last.pt"))["ema"]["reconstructor"]
        for name, t in st["models"]["reconstructor"].items():
            self.assertTrue(torch.allclose(t, sd0[name], atol=1e-6), f"frozen reconstructor changed: {name}")
        moved = any(not torch.allclose(t, torch.load(os.path.join(base, "last.pt"))["ema"]["denoiser"][n])
                    for n, t in st["models"]["denoiser"].items())
        self.assertTrue(moved, "the denoiser was trained")
        out = os.path.join(self.tmp.name, "art-bundle")
        export.main(["--run", run, "--out", out])
        m = json.load(open(os.path.join(out, "bundle.json")))
        self.assertEqual(m["licence"], "CC-BY-SA-3.0")
        self.assertIn("0 A.D.", open(os.path.join(out, "ATTRIBUTION.txt")).read())
        self.assertEqual(m["metadata"]["continuedFrom"]["trainingSteps"], 1)
        self.assertEqual(m["metadata"]["trainedNetworks"], "denoiser,frontend")
        self.assertFalse(os.path.exists(os.path.join(base_bundle, "ATTRIBUTION.txt")))
        self.assertEqual(json.load(open(os.path.join(base_bundle, "bundle.json")))["licence"], "BSD-3-Clause")

    def test_device_choice(self):
        self.assertEqual(train.pick_device("cpu"), torch.device("cpu"))
        want = "cuda" if torch.cuda.is_available() else "cpu"
        self.assertEqual(train.pick_device("auto").type, want)
        if not torch.cuda.is_available():
            with self.assertRaises(SystemExit):
                train.pick_device("cuda")
        b = train.to_device({"x": torch.ones(2)}, torch.device("cpu"))
        self.assertEqual(b["x"].device.type, "cpu")

    def test_pad_conv_inputs_keeps_parameters_and_function(self):
        torch.manual_seed(3)
        m = torch.nn.Sequential(torch.nn.Conv2d(24, 32, 3, padding=1), torch.nn.Conv2d(32, 20, 1),
                                torch.nn.Conv2d(20, 16, 3, stride=2, padding=1, bias=False)).eval()
        p = export.pad_conv_inputs(m)
        self.assertEqual([type(c).__name__ for c in p], ["ChannelPaddedConv2d", "Conv2d", "ChannelPaddedConv2d"])
        self.assertEqual([type(c).__name__ for c in m], ["Conv2d"] * 3, "the original is left alone")
        self.assertEqual(list(p.state_dict()), list(m.state_dict()))
        for k, v in m.state_dict().items():
            self.assertTrue(torch.equal(p.state_dict()[k], v), k)
        x = torch.randn(2, 24, 9, 9)
        with torch.no_grad():
            self.assertTrue(torch.allclose(p(x), m(x), atol=1e-5))

    def test_exported_convolutions_see_whole_simd_blocks_of_channels(self):
        run = os.path.join(self.tmp.name, "pad")
        self.run_train(run, 1)
        out = os.path.join(self.tmp.name, "pad-bundle")
        export.main(["--run", run, "--out", out])
        x, t = torch.randn(1, 4, 3, RES, RES), torch.tensor([7])
        calls = {"denoiser.pt": (x, t, torch.zeros(1, 3, RES, RES)),
                 "reconstructor.pt": (x, t, x, torch.zeros(1, 3, RES, RES)),
                 "frontend.pt": (x[:, :1], t, torch.tensor([2]))}
        for f, args in calls.items():
            m = torch.jit.load(os.path.join(out, f))
            with torch.no_grad(), torch.autograd.profiler.profile(record_shapes=True) as prof:
                m(*args)
            channels = [e.input_shapes[0][1] for e in prof.function_events if e.name == "aten::_convolution"]
            self.assertTrue(channels, f)
            self.assertEqual([c for c in channels if c % export.CONV_CHANNEL_MULTIPLE], [], f)

    def test_decoded_gaussians_lie_on_their_pixel_rays(self):
        cams = torch.from_numpy(np.stack([orbit_cam(a, 0) for a in (0, 90, 180, 270)]).astype(np.float32))
        rec = nets.Reconstructor(cams, RES)
        raw = torch.randn(1, 4, nets.Reconstructor.RAW, RES, RES)
        g = rec.decode(raw)
        for v in range(4):
            r, p = cams[v, :9].reshape(3, 3), cams[v, 9:12]
            fx, fy, cx, cy = cams[v, 12:].tolist()
            for (y, x) in ((0, 0), (7, 11), (15, 3)):
                c = r @ (g["pos"][0, v, :, y, x] - p)
                self.assertAlmostEqual(c[2].item(), g["z"][0, v, 0, y, x].item(), places=4)
                self.assertAlmostEqual((fx * c[0] / c[2] + cx).item(), x + 0.5, places=3)
                self.assertAlmostEqual((fy * c[1] / c[2] + cy).item(), y + 0.5, places=3)

    def test_schedule_matches_the_runtime(self):
        """Training must use the schedule the plugin's DDIM uses at run time: the values pinned in the Java
        SchedulerReferenceTest for squaredcos_cap_v2 (from jme-plugin/src/test/python/scheduler_reference.py)."""
        ab = schedule.alphas_cumprod()
        expected = {0: 0.999958715775178, 1: 0.9999125759273678, 499: 0.4938435904406382, 999: 2.4287669070348567e-09}
        for t, v in expected.items():
            self.assertAlmostEqual(ab[t].item() / v, 1.0, places=5, msg=f"alpha_bar[{t}]")


if __name__ == "__main__":
    unittest.main(verbosity=2)
