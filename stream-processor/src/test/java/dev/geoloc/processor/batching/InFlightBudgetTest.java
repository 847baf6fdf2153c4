package dev.geoloc.processor.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The in-flight budget counts bytes: a large image waits for room, a small one fits beside others. */
class InFlightBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void anImageCostsItsRecordTwiceAndRoomForItsTensor() {
        InFlightBudget budget = new InFlightBudget(64 * MIB);

        assertThat(budget.costOf(new byte[(int) (10 * MIB)])).isEqualTo(21 * MIB);
        assertThat(budget.costOf(null)).isEqualTo(MIB);
        assertThat(budget.costOf(new byte[(int) (40 * MIB)])).as("capped at the whole budget").isEqualTo(64 * MIB);
    }

    @Test
    void aTakerWaitsUntilAnotherGivesBack() throws Exception {
        InFlightBudget budget = new InFlightBudget(32 * MIB);
        assertThat(budget.tryTake(21 * MIB, Duration.ZERO)).isTrue();

        assertThat(budget.tryTake(21 * MIB, Duration.ofMillis(20))).as("no room beside the first").isFalse();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.tryTake(21 * MIB, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(second).isNotDone();
        budget.give(21 * MIB);

        assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.used()).isEqualTo(21 * MIB);
        budget.overdraw(21 * MIB);
        assertThat(budget.used()).as("overdrawn while the model fails").isEqualTo(42 * MIB);
    }
}
