package io.github.gen3d.trainer.dataset;

/** The categories of procedural game props; see {@code docs/dataset.md} for what each is made of. */
public enum PropCategory {
    /** A wooden crate: body, corner posts, cross bands. */
    CRATE,
    /** A bulging barrel with metal hoops. */
    BARREL,
    /** A mushroom: stem, domed cap, optional spots. */
    MUSHROOM,
    /** A potion bottle: round or square body, neck, cork or stopper. */
    POTION,
    /** A lamp: base, pole, conical or round shade, bulb. */
    LAMP,
    /** A table: top (square or round) on four legs or one pedestal. */
    TABLE,
    /** A rock: a noisy ellipsoid, sometimes with a smaller one beside it. */
    ROCK,
    /** A treasure chest: box body, rounded lid, metal bands and lock. */
    CHEST,
    /** A vase: a smooth random lathe profile with a lip ring. */
    VASE,
    /** A tree: trunk with conical (pine) or round (broadleaf) foliage. */
    TREE
}
