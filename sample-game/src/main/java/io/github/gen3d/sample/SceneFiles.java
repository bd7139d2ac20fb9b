package io.github.gen3d.sample;

import com.jme3.asset.AssetManager;
import com.jme3.export.binary.BinaryImporter;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import io.github.gen3d.mesh.MeshExport;
import io.github.gen3d.service.AssetFormat;
import io.github.gen3d.service.GenerationResult;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatIO;
import io.github.gen3d.splat.SplatNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads the editor's scene. Splat nodes are not {@code Savable} (their data lives in textures built at
 * run time), so {@code scene.j3o} holds the props' nodes with their transforms and meshes, and each prop's splats
 * go to {@code props/NAME.spz} beside it (with its metadata JSON), referenced by the node's user data
 * {@value #SPLATS_KEY}; {@link #load} puts the splat nodes back.
 */
final class SceneFiles {
    /** User-data key naming a prop's splat file, relative to the scene folder. */
    static final String SPLATS_KEY = "gen3d.splats";

    private SceneFiles() {
    }

    /**
     * @param props the props node (its children are the props; unaffected)
     * @param results each prop's result, for its files (props without one keep only their meshes)
     * @param dir the scene folder (created)
     * @param assets for the j3o materials
     * @return the scene file
     */
    static Path save(Node props, Map<Spatial, GenerationResult> results, Path dir, AssetManager assets)
            throws IOException {
        Files.createDirectories(dir.resolve("props"));
        Node copy = new Node("props");
        for (Spatial prop : props.getChildren()) {
            Node saved = new Node(prop.getName());
            saved.setLocalTransform(prop.getLocalTransform());
            GenerationResult r = results.get(prop);
            if (r != null) {
                r.save(dir.resolve("props"), prop.getName(), AssetFormat.SPZ, null);
                saved.setUserData(SPLATS_KEY, "props/" + prop.getName() + AssetFormat.SPZ.extension());
            } else if (prop instanceof Node n) {
                for (Spatial child : n.getChildren()) {
                    if (child instanceof SplatNode sn) {
                        Path f = dir.resolve("props").resolve(prop.getName() + "-" + child.getName() + ".spz");
                        SplatIO.write(sn.getCloud(), f);
                        saved.setUserData(SPLATS_KEY, "props/" + f.getFileName());
                    }
                }
            }
            if (prop instanceof Node n) {
                for (Spatial child : n.getChildren()) {
                    if (!(child instanceof SplatNode)) {
                        saved.attachChild(child.clone(false));
                    }
                }
            }
            copy.attachChild(saved);
        }
        Path scene = dir.resolve("scene.j3o");
        MeshExport.writeJ3o(copy, scene);
        return scene;
    }

    /**
     * @param dir a folder written by {@link #save}
     * @param assets loads materials and builds splat materials
     * @return the props node, splats restored
     * @throws IOException naming the file when something is missing or broken
     */
    static Node load(Path dir, AssetManager assets) throws IOException {
        Path scene = dir.resolve("scene.j3o");
        Spatial root;
        try (InputStream in = Files.newInputStream(scene)) {
            BinaryImporter imp = BinaryImporter.getInstance();
            imp.setAssetManager(assets);
            root = (Spatial) imp.load(in);
        } catch (RuntimeException e) {
            throw new IOException(scene + ": not a saved scene: " + e.getMessage(), e);
        }
        if (!(root instanceof Node props)) {
            throw new IOException(scene + ": not a saved scene (no props node)");
        }
        List<Spatial> children = new ArrayList<>(props.getChildren());
        for (Spatial prop : children) {
            String file = prop.getUserData(SPLATS_KEY);
            if (file != null && prop instanceof Node n) {
                Path f = dir.resolve(file).normalize();
                if (!f.startsWith(dir.normalize())) {
                    throw new IOException(scene + ": splat file '" + file + "' lies outside the scene folder");
                }
                GaussianCloud cloud = SplatIO.read(f);
                n.attachChild(new SplatNode(cloud, prop.getName() + "-splats", assets));
            }
        }
        return props;
    }
}
