package io.jswoole.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoop;

/**
 * The generator's own CPU use over the measured period: the whole process (every thread, the JIT and GC
 * included) and each event-loop thread, as a share of one core. A loop thread near 100% means the generator,
 * not the server, set the pace.
 */
final class CpuMeter {
    /** A loop thread busier than this (share of one core) is called the bottleneck. */
    static final double BUSY = 0.9;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<Long> ids = new ArrayList<>();
    private long[] startLoop;
    private long startProcess;
    private long startWall;

    /**
     * Per-loop and process CPU use.
     *
     * @param process share of one core the whole process used (1.0 = one core busy all the time)
     * @param loops   the same for each event-loop thread
     */
    record Use(double process, double[] loops) {
        double busiestLoop() {
            double max = 0;
            for (double l : loops) {
                max = Math.max(max, l);
            }
            return max;
        }
    }

    CpuMeter(List<EventLoop> loops) throws Exception {
        for (EventLoop l : loops) {
            ids.add(l.submit(() -> Thread.currentThread().threadId()).get());
        }
    }

    void begin() {
        startWall = System.nanoTime();
        startProcess = processCpu();
        startLoop = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            startLoop[i] = threadCpu(ids.get(i));
        }
    }

    Use end() {
        if (startLoop == null) {
            begin();
        }
        double wall = Math.max(1, System.nanoTime() - startWall);
        double[] loops = new double[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            loops[i] = Math.max(0, threadCpu(ids.get(i)) - startLoop[i]) / wall;
        }
        return new Use(Math.max(0, processCpu() - startProcess) / wall, loops);
    }

    private long threadCpu(long id) {
        return threads.isThreadCpuTimeSupported() ? Math.max(0, threads.getThreadCpuTime(id)) : 0;
    }

    private static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
