package dev.geoloc.demo;

/** A demo step that failed, with what to do about it: printed without a stack trace. */
final class DemoException extends RuntimeException {

    DemoException(String message) {
        super(message);
    }
}
