package io.infrakit.store;

/** Whether a transaction's compares held, and the store revision after it. */
public record TxnResult(boolean succeeded, long revision) {
}
