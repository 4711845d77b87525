package io.jswoole.bench.memory;

import io.jswoole.memory.Atomic;
import io.jswoole.memory.AtomicLong;
import io.jswoole.memory.Lock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** One thread on shared {@link Atomic}, {@link AtomicLong} and an uncontended {@link Lock}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AtomicBenchmark {
    private Atomic atomic;
    private AtomicLong atomicLong;
    private Lock mutex;

    @Setup(Level.Trial)
    public void setUp() {
        atomic = new Atomic();
        atomicLong = new AtomicLong();
        mutex = new Lock(Lock.Type.MUTEX);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        atomic.destroy();
        atomicLong.destroy();
        mutex.destroy();
    }

    @Benchmark
    public long atomicAdd() {
        return atomic.add();
    }

    @Benchmark
    public long atomicGet() {
        return atomic.get();
    }

    @Benchmark
    public long atomicLongAdd() {
        return atomicLong.add(1);
    }

    @Benchmark
    public boolean lockUnlock() {
        mutex.lock();
        return mutex.unlock();
    }
}
