package io.infrakit.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimmerTest {

    private static final long MB = 1L << 20;
    private static final long SECOND = 1_000_000_000L;

    /** A heap that shrinks to its live set over 0.7 (MaxHeapFreeRatio=30) at a full collection. */
    private static final class FakeHeap implements HeapTrimmer.Heap {
        long committed;
        long usedAfter = -1;
        long live;
        int collections;

        @Override
        public long committed() {
            return committed;
        }

        @Override
        public long usedAfterLastCollection() {
            return usedAfter;
        }

        @Override
        public void collect() {
            collections++;
            usedAfter = live;
            committed = Math.min(committed, live * 10 / 7);
        }
    }

    private final FakeHeap heap = new FakeHeap();
    private long quiet;
    private long now = 1_000 * SECOND;
    private final HeapTrimmer trimmer = new HeapTrimmer(heap, () -> quiet, () -> now);

    private void afterBurst() {
        heap.committed = 160 * MB;
        heap.usedAfter = 110 * MB;
        heap.live = 50 * MB;
    }

    @Test
    void collectsOnceQuietAfterABurst() {
        afterBurst();
        quiet = 0;
        assertFalse(trimmer.check(), "busy");
        quiet = 4 * SECOND;
        assertFalse(trimmer.check(), "not quiet long enough");
        quiet = 6 * SECOND;
        assertTrue(trimmer.check());
        assertEquals(1, heap.collections);
        assertEquals(1, trimmer.collections());
        assertEquals(71 * MB, heap.committed >> 20 << 20);
    }

    @Test
    void doesNotRepeatWithoutANewBurst() {
        afterBurst();
        quiet = 6 * SECOND;
        assertTrue(trimmer.check());
        for (int i = 0; i < 100; i++) {
            now += 10 * SECOND;
            quiet += 10 * SECOND;
            heap.usedAfter = 20 * MB; // young collections of a quiet operator: much free, but no growth
            assertFalse(trimmer.check());
        }
        assertEquals(1, heap.collections);
    }

    @Test
    void collectsAgainAfterTheNextBurstButNotSooner() {
        afterBurst();
        quiet = 6 * SECOND;
        assertTrue(trimmer.check());
        afterBurst(); // the heap grew again within the minute
        now += 30 * SECOND;
        assertFalse(trimmer.check(), "rate-limited");
        now += 31 * SECOND;
        assertTrue(trimmer.check());
        assertEquals(2, heap.collections);
    }

    @Test
    void aCollectionThatCannotShrinkIsNotRepeated() {
        afterBurst();
        heap.live = 112 * MB; // 112 / 0.7 = 160: nothing to give back
        quiet = 6 * SECOND;
        assertTrue(trimmer.check());
        assertEquals(160 * MB, heap.committed);
        heap.usedAfter = 100 * MB;
        for (int i = 0; i < 20; i++) {
            now += 61 * SECOND;
            assertFalse(trimmer.check());
        }
        assertEquals(1, heap.collections);
    }

    @Test
    void leavesAHeapWithLittleFreeAlone() {
        heap.committed = 160 * MB;
        heap.usedAfter = 140 * MB;
        quiet = 60 * SECOND;
        assertFalse(trimmer.check());
        heap.committed = 20 * MB;
        heap.usedAfter = 14 * MB; // 6 MB free: under the least worth a collection
        assertFalse(trimmer.check());
        heap.usedAfter = -1;
        heap.committed = 160 * MB;
        assertFalse(trimmer.check(), "no collection seen yet");
        assertEquals(0, heap.collections);
    }
}
