package io.infrakit.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionWatermarkTest {

    private final RevisionWatermark watermark = new RevisionWatermark("test");
    private final List<Long> told = new ArrayList<>();

    RevisionWatermarkTest() {
        watermark.onRewind(told::add);
    }

    @Test
    void aLowerHeaderIsOnlySuspectUntilAListingConfirmsIt() {
        watermark.seen(20);
        assertThat(watermark.suspect(25, 7)).isFalse();
        assertThat(watermark.suspect(24, 7)).as("below 25, seen in a header").isTrue();

        // A lagging member answered the header; the linearizable listing is not behind: no rewind.
        assertThat(watermark.settle(watermark.mark(), 25, 7)).isEqualTo(new RevisionWatermark.Settled(0, 0));
        assertThat(told).isEmpty();

        RevisionWatermark.Settled settled = watermark.settle(watermark.mark(), 12, 7);
        assertThat(settled).isEqualTo(new RevisionWatermark.Settled(1, 25));
        assertThat(told).containsExactly(1L);
        assertThat(watermark.suspect(12, 7)).as("the new history is the reference now").isFalse();
    }

    @Test
    void aRewindFoundByOneWatchIsNotCountedAgainByAnotherListingBegunBeforeIt() {
        watermark.seen(30);
        RevisionWatermark.Mark before = watermark.mark();
        watermark.settle(before, 10, 0);
        RevisionWatermark.Settled other = watermark.settle(before, 9, 0);
        assertThat(other).as("the same rewind, seen by a second watch").isEqualTo(new RevisionWatermark.Settled(1, 30));
        assertThat(told).containsExactly(1L);
    }

    @Test
    void anotherClusterIdIsARewindWhateverTheRevision() {
        assertThat(watermark.suspect(5, 0xaaL)).isFalse();
        watermark.seen(8);
        assertThat(watermark.suspect(100, 0xbbL)).isTrue();
        assertThat(watermark.settle(watermark.mark(), 100, 0xbbL).epoch()).isEqualTo(1);
        assertThat(watermark.suspect(101, 0xbbL)).isFalse();
    }

    @Test
    void aListingOvertakenByAnotherWatchIsNoRewind() {
        watermark.seen(17);
        RevisionWatermark.Mark before = watermark.mark(); // a listing is asked for; etcd answers at 17
        watermark.seen(18); // meanwhile another watch delivers revision 18
        assertThat(watermark.settle(before, 17, 7)).as("17 is all etcd had when asked")
                .isEqualTo(new RevisionWatermark.Settled(0, 0));
        assertThat(told).isEmpty();
        assertThat(watermark.settle(watermark.mark(), 17, 7).epoch()).as("behind what was seen before it: a rewind")
                .isEqualTo(1);
    }
}
