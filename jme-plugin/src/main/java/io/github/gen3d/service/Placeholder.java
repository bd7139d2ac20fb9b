package io.github.gen3d.service;

import com.jme3.asset.AssetManager;
import com.jme3.material.Material;
import com.jme3.material.RenderState;
import com.jme3.math.ColorRGBA;
import com.jme3.renderer.queue.RenderQueue;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.control.BillboardControl;
import com.jme3.scene.debug.WireBox;
import com.jme3.scene.shape.Box;
import com.jme3.scene.shape.Quad;
import com.jme3.texture.Texture2D;
import java.awt.image.BufferedImage;

/**
 * What stands where a prop is being generated: a wire cube the size of the prop's unit cube, a progress bar on top of
 * it, and, above it, a billboard with the current estimate of the target views (the 3D estimate when there is one,
 * else the 2D one). Built and changed on the render thread only.
 */
final class Placeholder {
    static final ColorRGBA FRAME = new ColorRGBA(0.3f, 0.8f, 1f, 1f);
    static final ColorRGBA BAR = new ColorRGBA(0.3f, 1f, 0.4f, 1f);

    private final Node node;
    private final Geometry bar;
    private final Geometry preview;
    private final Material previewMaterial;
    private double fraction = -1;

    Placeholder(String name, AssetManager assets) {
        node = new Node(name);
        Geometry frame = new Geometry(name + "-frame", new WireBox(0.5f, 0.5f, 0.5f));
        frame.setMaterial(colour(assets, FRAME));
        node.attachChild(frame);
        bar = new Geometry(name + "-bar", new Box(0.5f, 0.025f, 0.025f));
        bar.setMaterial(colour(assets, BAR));
        bar.setLocalTranslation(0, 0.58f, 0);
        node.attachChild(bar);
        preview = new Geometry(name + "-preview", new Quad(1.6f, 0.4f));
        previewMaterial = new Material(assets, "Common/MatDefs/Misc/Unshaded.j3md");
        previewMaterial.getAdditionalRenderState().setFaceCullMode(RenderState.FaceCullMode.Off);
        preview.setMaterial(previewMaterial);
        preview.setQueueBucket(RenderQueue.Bucket.Transparent);
        preview.setCullHint(com.jme3.scene.Spatial.CullHint.Always);
        Node holder = new Node(name + "-billboard");
        holder.setLocalTranslation(0, 0.68f, 0);
        holder.addControl(new BillboardControl());
        preview.setLocalTranslation(-0.8f, 0, 0);
        holder.attachChild(preview);
        node.attachChild(holder);
        setProgress(0, null);
    }

    private static Material colour(AssetManager assets, ColorRGBA c) {
        Material m = new Material(assets, "Common/MatDefs/Misc/Unshaded.j3md");
        m.setColor("Color", c);
        return m;
    }

    /** @return the placeholder's node */
    Node node() {
        return node;
    }

    /** @return the fraction last shown */
    double fraction() {
        return fraction;
    }

    /**
     * @param done fraction done, in [0, 1]
     * @param picture the estimate to show, or null to keep the last one
     */
    void setProgress(double done, BufferedImage picture) {
        fraction = Math.max(0, Math.min(1, done));
        float f = (float) Math.max(0.001, fraction);
        bar.setLocalScale(f, 1, 1);
        bar.setLocalTranslation(-0.5f + 0.5f * f, 0.58f, 0);
        if (picture != null) {
            previewMaterial.setTexture("ColorMap", new Texture2D(JmeImages.toJmeImage(picture)));
            preview.setCullHint(com.jme3.scene.Spatial.CullHint.Inherit);
        }
    }
}
