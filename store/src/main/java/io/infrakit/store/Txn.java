package io.infrakit.store;

import java.util.ArrayList;
import java.util.List;

/** If every compare holds, apply {@code then}; otherwise {@code otherwise}. Atomic in etcd. */
public record Txn(List<Compare> compares, List<Op> then, List<Op> otherwise) {

    public Txn {
        compares = List.copyOf(compares);
        then = List.copyOf(then);
        otherwise = List.copyOf(otherwise);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same transaction with one more guard (used to fence every write on the leader's key). */
    public Txn and(Compare compare) {
        List<Compare> all = new ArrayList<>(compares);
        all.add(compare);
        return new Txn(all, then, otherwise);
    }

    public static final class Builder {
        private final List<Compare> compares = new ArrayList<>();
        private final List<Op> then = new ArrayList<>();
        private final List<Op> otherwise = new ArrayList<>();

        public Builder when(Compare compare) {
            compares.add(compare);
            return this;
        }

        public Builder then(Op op) {
            then.add(op);
            return this;
        }

        public Builder otherwise(Op op) {
            otherwise.add(op);
            return this;
        }

        public Txn build() {
            return new Txn(compares, then, otherwise);
        }
    }
}
