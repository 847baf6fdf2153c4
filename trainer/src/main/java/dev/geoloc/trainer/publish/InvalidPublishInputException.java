package dev.geoloc.trainer.publish;

/** What was given to publish (bundle, metrics, model name) cannot be published as it is: wrong usage, not an outage. */
public final class InvalidPublishInputException extends RuntimeException {

    public InvalidPublishInputException(String message) {
        super(message);
    }
}
