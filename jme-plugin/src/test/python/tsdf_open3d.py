#!/usr/bin/python3
"""Side by side for MeshBench: fuse the same depth maps with Open3D's UniformTSDFVolume and mesh them, and run
scikit-image's marching cubes on the volume fused by the Java code.

Input: the folder written by MeshBench's trial setup (default jme-plugin/target/mesh-bench): scene.json (volume
origin/voxel/truncation, per view intrinsics and the world -> camera extrinsic in the OpenCV/Open3D convention),
depth<i>.f32 (float32 depth along the view axis, 0 = none), rgb<i>.u8 (RGB8), tsdf.f32 and weight.f32 (n^3 float32,
index x + n*(y + n*z)). Prints median timings as JSON lines.

Needs Debian's python3-open3d (0.16) and python3-skimage: /usr/bin/python3 tsdf_open3d.py [folder] [repeats]
"""
import json
import os
import sys
import time

import numpy as np
import open3d as o3d
from skimage import measure


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "jme-plugin/target/mesh-bench"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    scene = json.load(open(os.path.join(folder, "scene.json")))
    n = scene["resolution"]
    voxel = scene["voxel"]
    frames = []
    for i, v in enumerate(scene["views"]):
        w, h = v["width"], v["height"]
        depth = np.fromfile(os.path.join(folder, "depth%d.f32" % i), dtype="<f4").reshape(h, w)
        rgb = np.fromfile(os.path.join(folder, "rgb%d.u8" % i), dtype=np.uint8).reshape(h, w, 3)
        rgbd = o3d.geometry.RGBDImage.create_from_color_and_depth(
            o3d.geometry.Image(np.ascontiguousarray(rgb)), o3d.geometry.Image(np.ascontiguousarray(depth)),
            depth_scale=1.0, depth_trunc=1.0e6, convert_rgb_to_intensity=False)
        # Open3D puts pixel centres at integer coordinates; ours are at i + 0.5
        intr = o3d.camera.PinholeCameraIntrinsic(w, h, v["fx"], v["fy"], v["cx"] - 0.5, v["cy"] - 0.5)
        frames.append((rgbd, intr, np.array(v["extrinsic"], dtype=np.float64)))

    def fuse():
        vol = o3d.pipelines.integration.UniformTSDFVolume(
            length=voxel * n, resolution=n, sdf_trunc=scene["truncation"],
            color_type=o3d.pipelines.integration.TSDFVolumeColorType.RGB8,
            origin=np.array(scene["origin"], dtype=np.float64).reshape(3, 1) - voxel / 2)
        for rgbd, intr, ext in frames:
            vol.integrate(rgbd, intr, ext)
        return vol

    fuse_t, mesh_t = [], []
    mesh = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        vol = fuse()
        t1 = time.perf_counter()
        mesh = vol.extract_triangle_mesh()
        t2 = time.perf_counter()
        fuse_t.append(t1 - t0)
        mesh_t.append(t2 - t1)
    pairs = n ** 3 * len(frames)
    print(json.dumps({"open3d": o3d.__version__, "fuse_ms": 1000 * float(np.median(fuse_t)),
                      "mesh_ms": 1000 * float(np.median(mesh_t)),
                      "voxel_view_pairs_per_s": pairs / float(np.median(fuse_t)),
                      "triangles": len(mesh.triangles), "vertices": len(mesh.vertices)}))

    tsdf = np.fromfile(os.path.join(folder, "tsdf.f32"), dtype="<f4").reshape(n, n, n)
    weight = np.fromfile(os.path.join(folder, "weight.f32"), dtype="<f4").reshape(n, n, n)
    mask = weight > 0
    mc_t = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        verts, faces, _, _ = measure.marching_cubes(tsdf, level=0.0, mask=mask)
        mc_t.append(time.perf_counter() - t0)
    print(json.dumps({"skimage_marching_cubes_ms": 1000 * float(np.median(mc_t)), "triangles": len(faces),
                      "vertices": len(verts)}))


if __name__ == "__main__":
    main()
