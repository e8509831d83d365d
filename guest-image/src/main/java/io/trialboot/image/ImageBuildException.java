package io.trialboot.image;

/** The image build cannot go on; the message says what failed and what to do. */
public final class ImageBuildException extends RuntimeException {
    public ImageBuildException(String message) {
        super(message);
    }

    public ImageBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
