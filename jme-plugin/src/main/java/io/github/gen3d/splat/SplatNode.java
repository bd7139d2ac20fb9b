package io.github.gen3d.splat;

import com.jme3.asset.AssetManager;
import com.jme3.scene.Node;
import com.jme3.util.clone.Cloner;
import java.util.Objects;

/**
 * A scene-graph node that draws a {@link GaussianCloud} with the GPU splat renderer (EWA projection, SH colour up to
 * degree 3, premultiplied-alpha compositing; the math of {@code docs/rendering.md}).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * SplatNode node = new SplatNode(cloud, "statue", assetManager);
 * node.setLocalTranslation(0, 1, 0);        // move, rotate, scale uniformly like any spatial
 * rootNode.attachChild(node);               // on the render thread
 * }</pre>
 *
 * <h2>Material</h2>
 * The material needs an {@link AssetManager} (to load {@code Gen3D/MatDefs/Splat.j3md}) but no renderer, so it can
 * be made on any thread, e.g. inside an {@code AssetLoader} with {@code info.getManager()}. Construct with an
 * AssetManager, or construct without one and call {@link #initMaterial(AssetManager)} before the node is first
 * rendered; the splat data textures are packed there (on the calling thread) and uploaded by jME on first render.
 * Rendering a node without a material fails with an {@link IllegalStateException} that says so.
 *
 * <h2>Sorting and threads</h2>
 * Each node owns a daemon thread ({@code gen3d-splat-sort-*}) that re-sorts its splats back to front when the view
 * direction, seen from the node, turns; the render thread only swaps a finished index buffer in and re-uploads that
 * buffer (4 bytes per splat). The thread ends when the node is detached from its parent, and by itself about two
 * seconds after the node was last rendered (so apps that stop or drop the node leak nothing); rendering starts it
 * again.
 *
 * <h2>Limitations</h2>
 * <ul>
 * <li>Each node is sorted on its own; jME's transparent bucket orders nodes by distance. Nodes whose splats
 * interpenetrate are not merged into one order, so their overlap may composite in the wrong order: attach such
 * nodes under one {@link SplatGroup}, which draws all of them in one globally sorted draw.</li>
 * <li>Uniform scale only (non-uniform world scale distorts covariances and colour directions); perspective cameras
 * only.</li>
 * <li>The cloud is snapshotted when the node is built (positions) and when the material is made (everything else):
 * later changes to its arrays are not shown.</li>
 * <li>At most {@value SplatData#MAX_SPLATS} splats per node; ray picking against splats reports nothing.</li>
 * </ul>
 *
 * <p>Clones (including those an AssetManager returns from its cache) share the cloud and the data textures, and
 * each get their own order buffers and sorter. Not {@code Savable}-safe: export the cloud with the splat writers.
 */
public class SplatNode extends Node {
    private GaussianCloud cloud;
    private SplatGeometry geometry;
    /** The group that claimed this node (render thread only); it draws the node while it is an ancestor. */
    private SplatGroup group;

    /**
     * A node without a material; call {@link #initMaterial(AssetManager)} before it is rendered.
     *
     * @param cloud the splats (not null; positions are copied now, the rest when the material is made)
     * @param name the node's name (may be null)
     * @throws IllegalArgumentException if the cloud has more than {@value SplatData#MAX_SPLATS} splats
     */
    public SplatNode(GaussianCloud cloud, String name) {
        super(name);
        Objects.requireNonNull(cloud, "cloud");
        if (cloud.size() > SplatData.MAX_SPLATS) {
            throw new IllegalArgumentException("a SplatNode draws at most " + SplatData.MAX_SPLATS + " splats, got "
                    + cloud.size());
        }
        this.cloud = cloud;
        this.geometry = new SplatGeometry(name == null ? "splats" : name + "-splats", cloud);
        attachChild(geometry);
    }

    /**
     * A node with its material made at once (packs the data textures on the calling thread).
     *
     * @param cloud the splats (not null)
     * @param name the node's name (may be null)
     * @param assetManager loads the material definition (not null)
     */
    public SplatNode(GaussianCloud cloud, String name, AssetManager assetManager) {
        this(cloud, name);
        initMaterial(assetManager);
    }

    /**
     * Makes the material and packs the data textures, unless that was done already. Needs no renderer: safe on a
     * loader thread before the node is attached.
     *
     * @param assetManager loads {@code Gen3D/MatDefs/Splat.j3md} (not null)
     */
    public void initMaterial(AssetManager assetManager) {
        Objects.requireNonNull(assetManager, "assetManager");
        geometry.initMaterial(assetManager);
    }

    /** @return true once {@link #initMaterial(AssetManager)} has run */
    public boolean hasMaterial() {
        return geometry.getMaterial() != null;
    }

    /** @return the cloud this node draws (live, not a copy; changes are not shown, see the class doc) */
    public GaussianCloud getCloud() {
        return cloud;
    }

    /**
     * Caps the spherical-harmonics degree the shader evaluates (lower is faster; 0 gives the base colour only).
     *
     * @param degree 0..3; a cap above the cloud's own degree has no effect
     * @throws IllegalArgumentException if degree is outside 0..3
     */
    public void setShDegree(int degree) {
        geometry.setShDegreeCap(degree);
    }

    /** @return the SH degree actually evaluated: min(cap, cloud degree) */
    public int getShDegree() {
        return Math.min(geometry.getShDegreeCap(), cloud.shDegree());
    }

    /** @return the splat geometry (package use: tests) */
    SplatGeometry splatGeometry() {
        return geometry;
    }

    /** @return the group that last claimed this node, or null (package use) */
    SplatGroup group() {
        return group;
    }

    /**
     * Claims or releases this node for a group (render thread).
     *
     * @param g the group drawing this node, or null
     */
    void setGroup(SplatGroup g) {
        this.group = g;
    }

    /**
     * @return true while a {@link SplatGroup} that claimed this node is one of its ancestors and draws it (then the
     *     node's own geometry is not drawn)
     */
    boolean drawnByGroup() {
        SplatGroup g = group;
        if (g == null || !g.drawsMembers()) {
            return false;
        }
        for (Node p = getParent(); p != null; p = p.getParent()) {
            if (p == g) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops the sorter thread when the node is detached (rendering it again restarts it).
     *
     * @param parent the new parent, null when detached
     */
    @Override
    protected void setParent(Node parent) {
        super.setParent(parent);
        if (parent == null && geometry != null) {
            geometry.stopSorter();
        }
    }

    /**
     * Points the clone at its own cloned geometry (which has its own sorter); the cloud is shared.
     *
     * @param cloner the cloner (not null)
     * @param original the node cloned (not null)
     */
    @Override
    public void cloneFields(Cloner cloner, Object original) {
        super.cloneFields(cloner, original);
        this.geometry = cloner.clone(geometry);
        this.group = null; // a group (or the cloned group) claims the clone on its next update
    }
}
