package io.infrakit.plugins.rpc;

/** A request's params do not decode into the method's request type: gorilla's -32600 with the params as data. */
final class InvalidParamsException extends RuntimeException {

    InvalidParamsException(String message) {
        super(message);
    }
}
