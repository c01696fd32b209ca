package io.infrakit.operator.controller;

import io.infrakit.operator.election.LostLeadershipException;
import java.util.function.Supplier;

/**
 * The plugin calls of a reconcile, named as the group's status names the one that failed: {@code "Provision
 * failed: <the plugin's error>"}, {@code "Destroy instance-3 failed: ..."}. Flavor.Drain and Flavor.Healthy are not
 * among them: a drain is best effort (as in InfraKit) and a health check that fails counts as unknown health.
 */
public enum Step {
    DESCRIBE("DescribeInstances"),
    LABEL("Label"),
    PREPARE("Prepare"),
    PROVISION("Provision"),
    DESTROY("Destroy");

    private final String label;

    Step(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Runs a call of this step; a failure (a plugin error, an unreachable plugin) becomes a {@link Failure}. */
    public <T> T call(String instance, Supplier<T> call) {
        try {
            return call.get();
        } catch (LostLeadershipException | Failure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Failure(this, instance, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    public void run(String instance, Runnable call) {
        call(instance, () -> {
            call.run();
            return null;
        });
    }

    /** A step that failed: which, on which instance (null: none yet, or not about one), and the plugin's words. */
    public static final class Failure extends RuntimeException {
        private final Step step;
        private final String instance;
        private final String error;

        public Failure(Step step, String instance, String error) {
            super(step.label + (instance == null ? "" : " " + instance) + " failed: " + error);
            this.step = step;
            this.instance = instance;
            this.error = error;
        }

        public Step step() {
            return step;
        }

        public String instance() {
            return instance;
        }

        /** The plugin's own message. */
        public String error() {
            return error;
        }
    }
}
