package io.infrakit.plugins.fence;

import java.nio.file.Path;

/**
 * Another process on a fence: admits a term, says "in", holds the call for a while, says "out". Exits 3 when the
 * term is refused.
 */
public final class FenceHolder {

    private FenceHolder() {
    }

    public static void main(String[] args) throws Exception {
        TermFence fence = TermFence.inDirectory(Path.of(args[0]));
        long hold = Long.parseLong(args[2]);
        try {
            fence.admit(Long.parseLong(args[1]), () -> {
                System.out.println("in");
                System.out.flush();
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("out " + System.nanoTime());
                System.out.flush();
                return null;
            });
        } catch (StaleTermException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
