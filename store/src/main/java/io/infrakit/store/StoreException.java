package io.infrakit.store;

/** etcd could not be reached in time, or refused the request. The message names the endpoints. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
