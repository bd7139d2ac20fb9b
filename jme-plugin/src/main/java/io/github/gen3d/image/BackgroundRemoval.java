package io.github.gen3d.image;

/** How {@link InputImages} told the object from the background of a picture. */
public enum BackgroundRemoval {
    /** The picture has transparency: its alpha channel is the object mask. */
    ALPHA,
    /** The near-white region connected to the picture's border is the background; the rest is the object. */
    WHITE,
    /** No background was found (an opaque picture without a near-white border): the whole picture is the object. */
    NONE
}
