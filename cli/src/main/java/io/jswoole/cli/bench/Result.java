package io.jswoole.cli.bench;

/**
 * What a run measured, over the measured period (after the warm-up).
 *
 * @param total         the counts and histograms of every loop, merged
 * @param elapsedNanos  from the end of the warm-up to the last reply
 * @param sendingNanos  from the end of the warm-up to the end of {@code -d} (or the last send): the period
 *                      requests were scheduled in
 * @param unsent        requests of {@code -n} never sent because their client gave up connecting
 * @param everConnected clients that had a connection at least once
 * @param aborted       every client failed its first connect: nothing answers at the address
 * @param open          connections open at the end (of {@code --hold}, the ones held)
 */
record Result(BenchOptions options, LoopStats.Counts total, long elapsedNanos, long sendingNanos,
              CpuMeter.Use cpu, long unsent, int clients, int everConnected, boolean aborted, int open) {
    double seconds() {
        return elapsedNanos / 1e9;
    }

    double requestsPerSecond() {
        return total.ok / seconds();
    }

    /** The latency reported first: corrected for coordinated omission under {@code -R}. */
    org.HdrHistogram.Histogram latency() {
        return options.openLoop() ? total.corrected : total.latency;
    }

    /** Under {@code -R}: requests sent per second of the period they were scheduled in. */
    double sendRate() {
        return total.sent / (sendingNanos / 1e9);
    }

    /** Under {@code -R}: {@link #sendRate()} as a share of the target. */
    double rateReached() {
        return sendRate() / options.rate();
    }
}
