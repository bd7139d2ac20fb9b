package io.github.gen3d.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.asset.AssetManager;
import com.jme3.asset.DesktopAssetManager;
import com.jme3.bounding.BoundingBox;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SplatGroup} membership and bounds on a scene graph updated by hand (no GL): which nodes the group draws,
 * when it repacks, what the members' own geometries do, nesting, clones.
 */
class SplatGroupTest {
    private static AssetManager assets;

    @BeforeAll
    static void assets() {
        assets = new DesktopAssetManager(true);
    }

    private static SplatNode node(int n, int degree, long seed, String name) {
        return new SplatNode(GpuSplatRenderTest.randomCloud(n, degree, seed, 1f), name, assets);
    }

    /**
     * What the render manager would ask: does the member's own geometry pass the cull test? (With its cull hint
     * set to Never for the question, so that only the group's veto can say no.)
     */
    private static boolean ownGeometryDrawn(SplatNode n) {
        SplatGeometry g = n.splatGeometry();
        g.setCullHint(Spatial.CullHint.Never);
        try {
            return g.checkCulling(new com.jme3.renderer.Camera(64, 64));
        } finally {
            g.setCullHint(Spatial.CullHint.Inherit);
        }
    }

    @Test
    void membersAnywhereBelowAreDrawnByTheGroupAlone() {
        Node root = new Node("root");
        SplatGroup group = new SplatGroup("g", assets);
        SplatNode a = node(300, 0, 1L, "a");
        SplatNode b = node(200, 2, 2L, "b");
        Node sub = new Node("sub");
        root.attachChild(group);
        group.attachChild(a);
        group.attachChild(sub);
        sub.attachChild(b);
        root.updateGeometricState();
        assertEquals(2, group.getMemberCount());
        assertEquals(500, group.getSplatCount());
        assertEquals(List.of(a, b), group.getMembers());
        assertSame(group, a.group());
        assertTrue(a.drawnByGroup() && b.drawnByGroup());
        assertFalse(ownGeometryDrawn(a), "a grouped node's own geometry is culled");
        assertEquals(2, group.groupGeometry().packedDegree(), "highest member degree");
        assertEquals(1L, group.groupGeometry().rebuilds());

        // moving a member repacks nothing; the group's bound follows it
        sub.setLocalTranslation(5, 0, 0);
        b.setLocalRotation(new Quaternion().fromAngles(0.3f, 0.2f, 0.1f));
        root.updateGeometricState();
        assertEquals(1L, group.groupGeometry().rebuilds(), "moves need no repack");
        BoundingBox want = (BoundingBox) a.splatGeometry().getWorldBound().clone();
        want.mergeLocal(b.splatGeometry().getWorldBound());
        BoundingBox got = (BoundingBox) group.groupGeometry().getWorldBound();
        assertEquals(want.getCenter(), got.getCenter());
        assertEquals(want.getXExtent(), got.getXExtent(), 1e-6);
        assertEquals(want.getYExtent(), got.getYExtent(), 1e-6);
        assertEquals(want.getZExtent(), got.getZExtent(), 1e-6);
        assertTrue(got.getCenter().x > 2, "the bound moved with b: " + got);

        // the SH cap repacks at the lower degree
        group.setShDegree(1);
        root.updateGeometricState();
        assertEquals(1, group.groupGeometry().packedDegree());
        assertEquals(2L, group.groupGeometry().rebuilds());
        assertThrows(IllegalArgumentException.class, () -> group.setShDegree(4));

        // removing a member: released at once (it draws itself again), the group repacks
        b.removeFromParent();
        root.attachChild(b);
        assertFalse(b.drawnByGroup(), "no longer below the group");
        root.updateGeometricState();
        assertNull(b.group());
        assertTrue(ownGeometryDrawn(b));
        assertEquals(1, group.getMemberCount());
        assertEquals(300, group.getSplatCount());

        // a node moved out of a group that is no longer updated still draws itself
        group.removeFromParent();
        a.removeFromParent();
        root.attachChild(a);
        root.updateGeometricState();
        assertSame(group, a.group(), "the detached group never saw the change");
        assertFalse(a.drawnByGroup());
        assertTrue(ownGeometryDrawn(a));
    }

    @Test
    void nestedGroupsFlattenIntoTheOutermost() {
        Node root = new Node("root");
        SplatGroup outer = new SplatGroup("outer", assets);
        SplatGroup inner = new SplatGroup("inner", assets);
        SplatNode a = node(100, 0, 3L, "a");
        SplatNode c = node(50, 1, 4L, "c");
        root.attachChild(outer);
        outer.attachChild(a);
        inner.attachChild(c);
        root.attachChild(inner);
        root.updateGeometricState();
        assertEquals(1, inner.getMemberCount());
        assertSame(inner, c.group());
        outer.attachChild(inner);
        root.updateGeometricState();
        assertEquals(2, outer.getMemberCount());
        assertEquals(0, inner.getMemberCount(), "a nested group draws nothing");
        assertSame(outer, c.group());
        assertTrue(c.drawnByGroup());
        inner.removeFromParent();
        root.attachChild(inner);
        root.updateGeometricState();
        assertEquals(1, outer.getMemberCount());
        assertEquals(1, inner.getMemberCount(), "on its own again");
        assertSame(inner, c.group());
    }

    @Test
    void detachAllChildrenKeepsTheDrawAndClonesPackTheirOwnMembers() {
        Node root = new Node("root");
        SplatGroup group = new SplatGroup("g", assets);
        SplatNode a = node(120, 0, 5L, "a");
        SplatNode b = node(80, 0, 6L, "b");
        group.attachChild(a);
        group.attachChild(b);
        root.attachChild(group);
        root.updateGeometricState();
        assertEquals(2, group.getMemberCount());

        SplatGroup copy = (SplatGroup) group.clone();
        root.attachChild(copy);
        root.updateGeometricState();
        assertEquals(2, copy.getMemberCount());
        for (SplatNode m : copy.getMembers()) {
            assertSame(copy, m.group());
            assertTrue(m != a && m != b, "the clone draws its own (cloned) members");
        }
        assertTrue(copy.groupGeometry() != group.groupGeometry());
        assertNotNull(copy.groupGeometry().sorter());
        assertTrue(copy.groupGeometry().sorter() != group.groupGeometry().sorter());
        assertEquals(2, group.getMemberCount(), "the original keeps its members");
        assertSame(group, a.group());
        // a clone sharing the material (clone(false)) packs its own textures and leaves the original's alone
        com.jme3.texture.Texture tex = group.groupGeometry().getMaterial().getTextureParam("SplatGeometry")
                .getTextureValue();
        SplatGroup shared = (SplatGroup) group.clone(false);
        root.attachChild(shared);
        root.updateGeometricState();
        assertEquals(2, shared.getMemberCount());
        assertTrue(shared.groupGeometry().getMaterial() != group.groupGeometry().getMaterial());
        assertSame(tex, group.groupGeometry().getMaterial().getTextureParam("SplatGeometry").getTextureValue());
        assertTrue(tex != shared.groupGeometry().getMaterial().getTextureParam("SplatGeometry").getTextureValue());
        shared.removeFromParent();

        group.detachAllChildren();
        root.updateGeometricState();
        assertEquals(0, group.getMemberCount());
        assertNull(a.group());
        assertSame(group, group.groupGeometry().getParent(), "the draw stays a child");
        assertEquals(Spatial.CullHint.Always, group.groupGeometry().getLocalCullHint(), "nothing to draw");
        group.attachChild(b);
        root.updateGeometricState();
        assertEquals(1, group.getMemberCount());
        assertEquals(80, group.getSplatCount());
        assertEquals(new Vector3f(), group.getLocalTranslation());
    }
}
