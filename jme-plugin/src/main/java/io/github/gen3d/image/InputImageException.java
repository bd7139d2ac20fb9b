package io.github.gen3d.image;

import java.io.IOException;

/**
 * A picture cannot be used as input: it is not a readable image, it is too small or too large, or no object was found
 * in it. The message names the picture (its file or the name the caller gave) and the problem.
 */
public class InputImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with a picture. */
    public enum Problem {
        /** Not an image in a supported format, or unreadable, truncated or corrupt. */
        UNREADABLE,
        /** Either side below {@link InputImages#MIN_SIDE} pixels. */
        TOO_SMALL,
        /** Either side above {@link InputImages#MAX_SIDE} or more than {@link InputImages#MAX_PIXELS} pixels. */
        TOO_LARGE,
        /** No object, or an object covering less than {@link InputImages#MIN_OBJECT_FRACTION} of the picture. */
        EMPTY
    }

    private final String source;
    private final Problem problem;

    /**
     * Creates an exception.
     *
     * @param source the picture's file or name (not null)
     * @param problem the kind of problem (not null)
     * @param detail what went wrong, in words (not null)
     * @param cause the underlying failure, or null
     */
    public InputImageException(String source, Problem problem, String detail, Throwable cause) {
        super("input picture '" + source + "': " + detail, cause);
        this.source = source;
        this.problem = problem;
    }

    /** @return the picture's file or name (not null) */
    public String source() {
        return source;
    }

    /** @return the kind of problem (not null) */
    public Problem problem() {
        return problem;
    }
}
