package io.github.gen3d.splat;

import com.jme3.asset.AssetManager;
import com.jme3.material.Material;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.util.clone.Cloner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A node that draws every {@link SplatNode} below it in <b>one</b> instanced draw with <b>one</b> global
 * back-to-front order, so that splat nodes which overlap or interpenetrate (a generated prop standing inside a
 * captured scene, two props touching) composite correctly from every side. Plain {@code SplatNode}s are sorted each
 * on their own and jME orders them as whole objects, which is right only while they do not overlap in depth.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * SplatGroup splats = new SplatGroup("splats", assetManager);
 * rootNode.attachChild(splats);
 * splats.attachChild(scene);           // SplatNodes, anywhere below the group (also inside plain Nodes)
 * splats.attachChild(prop);
 * prop.setLocalTranslation(1, 0, 2);   // members keep their own transforms: moving a prop moves its splats
 * }</pre>
 *
 * <h2>How</h2>
 * <ul>
 * <li>Membership: every {@code SplatNode} in the group's subtree, found on the render thread in
 * {@link #updateGeometricState()} whenever something below the group changed. When the set of members (or their
 * order) changes, the group packs all members' clouds into one pair of data textures and builds a new order buffer
 * and sorter. That costs about as much as building the members' own nodes and uploads the data again; membership
 * changes are meant to be rare (moving members is free).</li>
 * <li>Each frame: the members' current world matrices (and whether each is hidden with
 * {@link com.jme3.scene.Spatial.CullHint#Always}) go into a small texture; the shader picks each splat's matrix by
 * its member index. One background thread ({@code gen3d-splat-sort-*-<name>-group}) sorts all splats by their
 * world-space view depth, computed with each member's transform of the request, when the camera turns by more than
 * a quarter degree or any member moves; finished orders are swapped in without per-frame allocation.</li>
 * <li>While grouped, a member's own geometry is not drawn and its own sorter stays idle; a node taken out of the
 * group draws itself again at once.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * <ul>
 * <li>At most {@value SplatData#MAX_SPLATS} splats in all members together; a larger group logs a warning and
 * leaves its members to draw themselves.</li>
 * <li>The group packs the SH degree {@code min(cap, highest member degree)} for every member (lower-degree members
 * are zero padded): a degree-3 prop in a degree-0 scene makes the whole SH texture degree 3. Members' own
 * {@link SplatNode#setShDegree} caps are not used; set the group's with {@link #setShDegree}.</li>
 * <li>Packing reads the members' clouds when membership changes (later changes to a cloud's arrays are shown only
 * after the next repack). Members' own textures stay allocated (on the GPU too, if they were drawn alone before).</li>
 * <li>SplatGroups inside a SplatGroup are flattened: the outermost group draws all SplatNodes below it and inner
 * groups draw nothing.</li>
 * <li>A mesh or other transparent geometry is ordered against the group as one object (jME's bucket sort), as it
 * is against a single SplatNode.</li>
 * </ul>
 *
 * <p>The group's draw is a child of the group: {@link #detachAllChildren()} keeps it. Clones start empty and pack
 * their own (cloned) members on their first update. Not {@code Savable}-safe, as {@code SplatNode}.
 */
public class SplatGroup extends Node {
    private static final Logger LOGGER = Logger.getLogger(SplatGroup.class.getName());

    private SplatGroupGeometry geometry;
    /** Current members, in member-index order (render thread). */
    private ArrayList<SplatNode> members = new ArrayList<>();
    /** Scratch for the membership scan. */
    private ArrayList<SplatNode> scan = new ArrayList<>();
    private int shDegreeCap = 3;
    private boolean repack;
    /** False while nested in another group or too large: members then are not drawn by this group. */
    private boolean drawing;
    private boolean warnedTooLarge;

    /**
     * An empty group; attach {@link SplatNode}s below it.
     *
     * @param name the node's name (may be null)
     * @param assetManager loads the splat material definition (not null; not kept)
     */
    public SplatGroup(String name, AssetManager assetManager) {
        super(name);
        Objects.requireNonNull(assetManager, "assetManager");
        Material mat = new Material(assetManager, SplatGeometry.MATDEF);
        geometry = new SplatGroupGeometry(name == null ? "splat-group" : name + "-group", mat);
        attachChild(geometry);
    }

    /**
     * Caps the spherical-harmonics degree the group packs and evaluates for all members.
     *
     * @param degree 0..3
     * @throws IllegalArgumentException if degree is outside 0..3
     */
    public void setShDegree(int degree) {
        SphericalHarmonics.coefficientCount(degree); // validates 0..3
        if (degree != shDegreeCap) {
            shDegreeCap = degree;
            repack = true;
            setBoundRefresh(); // makes the next updateGeometricState look at the group
        }
    }

    /** @return the SH degree cap set with {@link #setShDegree} (3 unless set) */
    public int getShDegree() {
        return shDegreeCap;
    }

    /** @return the number of SplatNodes this group drew in its last update (0 while nested or too large) */
    public int getMemberCount() {
        return geometry.memberCount();
    }

    /** @return the number of splats this group drew in its last update, all members together */
    public int getSplatCount() {
        return geometry.splatCount();
    }

    /**
     * The members drawn, in member-index order.
     *
     * @return a new list (not null; changing it changes nothing)
     */
    public List<SplatNode> getMembers() {
        return new ArrayList<>(members);
    }

    /** @return the group's draw (package use: tests) */
    SplatGroupGeometry groupGeometry() {
        return geometry;
    }

    /** @return true while this group draws its members (not nested in another group, not too large) */
    boolean drawsMembers() {
        return drawing;
    }

    /**
     * Finds the members when something below changed (repacking when they differ), updates the subtree, then
     * sets the group draw's bound to the union of the members' world bounds. Render thread.
     */
    @Override
    public void updateGeometricState() {
        if (refreshFlags == 0 && !repack) {
            return;
        }
        syncMembers();
        super.updateGeometricState();
        if (drawing) {
            geometry.updateUnionBound();
            updateWorldBound();
        }
    }

    private void syncMembers() {
        if (geometry.getParent() != this) {
            attachChildAt(geometry, 0); // detached by hand: the group cannot draw without it
        }
        scan.clear();
        boolean nested = false;
        for (Node p = getParent(); p != null && !nested; p = p.getParent()) {
            nested = p instanceof SplatGroup;
        }
        if (!nested) {
            for (int i = 0; i < getQuantity(); i++) {
                collect(getChild(i));
            }
        }
        if (!repack && sameAsMembers()) {
            return;
        }
        long total = 0;
        int maxDegree = 0;
        for (SplatNode n : scan) {
            total += n.getCloud().size();
            maxDegree = Math.max(maxDegree, n.getCloud().shDegree());
        }
        if (total > SplatData.MAX_SPLATS) {
            if (!warnedTooLarge) {
                LOGGER.warning("splat group '" + getName() + "': " + scan.size() + " members hold " + total
                        + " splats, more than one draw takes (" + SplatData.MAX_SPLATS + "); they draw themselves");
                warnedTooLarge = true;
            }
            scan.clear();
            if (!repack && members.isEmpty()) {
                return; // still too large: nothing to repack
            }
        } else {
            warnedTooLarge = false;
        }
        repack = false;
        for (SplatNode old : members) {
            if (old.group() == this && !scan.contains(old)) {
                old.setGroup(null);
            }
        }
        ArrayList<SplatNode> t = members;
        members = scan;
        scan = t;
        scan.clear();
        for (SplatNode n : members) {
            n.setGroup(this);
            n.splatGeometry().stopSorter();
        }
        drawing = !members.isEmpty();
        geometry.rebuild(members, Math.min(shDegreeCap, maxDegree));
        geometry.getMaterial().setInt("ShDegree", Math.min(shDegreeCap, maxDegree));
    }

    /** @return true if the scan found exactly the current members, in the same order */
    private boolean sameAsMembers() {
        if (scan.size() != members.size()) {
            return false;
        }
        for (int i = 0; i < scan.size(); i++) {
            if (scan.get(i) != members.get(i)) {
                return false;
            }
        }
        return true;
    }

    private void collect(Spatial s) {
        if (s instanceof SplatNode n) {
            scan.add(n);
        }
        if (s instanceof Node node) {
            for (int i = 0; i < node.getQuantity(); i++) {
                collect(node.getChild(i));
            }
        }
    }

    /** Detaches every child except the group's own draw. */
    @Override
    public void detachAllChildren() {
        for (int i = getQuantity() - 1; i >= 0; i--) {
            if (getChild(i) != geometry) {
                detachChildAt(i);
            }
        }
    }

    /**
     * Stops the group's sorter thread when the group is detached (rendering it again restarts it).
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
     * The clone gets its own (empty) draw and member lists; it packs its members on its first update.
     *
     * @param cloner the cloner (not null)
     * @param original the group cloned (not null)
     */
    @Override
    public void cloneFields(Cloner cloner, Object original) {
        super.cloneFields(cloner, original);
        geometry = cloner.clone(geometry);
        members = new ArrayList<>();
        scan = new ArrayList<>();
        drawing = false;
        repack = true;
    }
}
