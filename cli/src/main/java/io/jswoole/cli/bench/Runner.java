package io.jswoole.cli.bench;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * Runs the load: {@code -t} event loops, the clients spread over them, a scan for timeouts on each loop, and on
 * the main thread a line per second, the end of the warm-up, the end of {@code -d}, and the final collection.
 * The main thread reads what the loops measured only by submitting a task to each loop (see {@link LoopStats}).
 */
final class Runner {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    final Run run;
    final BenchOptions options;
    final EventLoopGroup group;
    final List<EventLoop> loops = new ArrayList<>();
    final List<LoopStats> stats = new ArrayList<>();
    final List<Client> clients = new ArrayList<>();
    final CpuMeter cpu;
    final long start;
    final long measureStart;

    Runner(BenchOptions options, Unit unit, int count, long budgetEach, boolean hold) throws Exception {
        this.options = options;
        this.run = new Run(options, unit, count, hold);
        Bootstrap bootstrap = Transports.bootstrap(options.target(), unit.transport() == Unit.Transport.DATAGRAM,
                (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        this.group = Transports.group(options.threads());
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
            stats.add(new LoopStats());
        }
        this.cpu = new CpuMeter(loops);
        Prewarm.run(bootstrap, loops, !options.target().isUnix() && unit.transport() != Unit.Transport.DATAGRAM);
        Prewarm.touch(unit);
        this.start = System.nanoTime();
        this.measureStart = start + options.warmup().toNanos();
        if (!options.duration().isZero() && !hold) {
            run.deadline = measureStart + options.duration().toNanos();
        }
        long interval = options.openLoop() ? Math.round(count * 1e9 / options.rate()) : 0;
        for (int i = 0; i < count; i++) {
            int l = i % loops.size();
            LoopStats s = stats.get(l);
            s.measureFrom = measureStart;
            s.openLoop = options.openLoop();
            s.lastReply = measureStart;
            long budget = budgetEach >= 0 ? budgetEach
                    : options.requests() > 0 ? options.requests() / count + (i < options.requests() % count ? 1 : 0)
                    : Long.MAX_VALUE;
            long first = start + interval * i / count;
            List<InetAddress> sources = options.sources();
            Bootstrap b = sources.isEmpty() ? bootstrap
                    : bootstrap.clone().localAddress(new InetSocketAddress(sources.get(i % sources.size()), 0));
            clients.add(switch (unit.transport()) {
                case DATAGRAM -> new DatagramClient(run, b, loops.get(l), s, budget, interval, first);
                case HTTP2 -> new H2Client(run, b, loops.get(l), s, budget, interval, first);
                case STREAM -> new StreamClient(run, b, loops.get(l), s, budget, interval, first);
            });
        }
    }

    /** Starts every client and the timeout scans. */
    void startClients() {
        for (int l = 0; l < loops.size(); l++) {
            List<Client> mine = new ArrayList<>();
            for (int i = l; i < clients.size(); i += loops.size()) {
                mine.add(clients.get(i));
            }
            loops.get(l).scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                for (Client c : mine) {
                    if (!c.done && c.timedOut(now)) {
                        c.timeout();
                    }
                }
            }, 20, 20, TimeUnit.MILLISECONDS);
        }
        for (Client c : clients) {
            c.loop.execute(c::start);
        }
    }

    /** Runs the load to its end; prints a line a second on {@code live} (null: none). */
    Result load(PrintStream live) throws Exception {
        startClients();
        long warmupEnd = measureStart;
        boolean warming = warmupEnd > start;
        long deadline = options.duration().isZero() ? 0 : warmupEnd + options.duration().toNanos();
        long stopAt = 0;
        long nextTick = start + SECOND;
        if (!warming) {
            cpu.begin();
        }
        while (true) {
            long now = System.nanoTime();
            long wake = nextTick;
            if (warming) {
                wake = Math.min(wake, warmupEnd);
            }
            if (deadline > 0 && stopAt == 0) {
                wake = Math.min(wake, deadline);
            }
            if (run.done.await(Math.max(0, wake - now), TimeUnit.NANOSECONDS)) {
                break;
            }
            now = System.nanoTime();
            if (now - nextTick >= 0) {
                Second s = second();
                if (live != null) {
                    live.println(s.line((nextTick - start) / SECOND, warming));
                }
                nextTick += SECOND;
            }
            if (warming && now - warmupEnd >= 0) {
                onLoops(s -> s.startMeasuring(warmupEnd));
                cpu.begin();
                warming = false;
            }
            if (run.aborted()) {
                forEachClient(c -> c.abort(Errors.TIMEOUT));
                break;
            }
            if (deadline > 0 && stopAt == 0 && now - deadline >= 0) {
                stopAt = now;
                forEachClient(Client::stop);
            }
            if (stopAt != 0 && now - stopAt > run.timeoutNanos + SECOND) {
                forEachClient(c -> c.abort(Errors.TIMEOUT)); // the timeout scan should have ended them already
                run.done.await(1, TimeUnit.SECONDS);
                break;
            }
        }
        return finish();
    }

    /** What every loop measured, merged; the loops stop afterwards. */
    Result finish() throws Exception {
        LoopStats.Counts total = new LoopStats.Counts();
        long last = measureStart;
        long lastSent = measureStart;
        int open = 0;
        for (int l = 0; l < loops.size(); l++) {
            LoopStats s = stats.get(l);
            Object[] got = loops.get(l).submit(() -> {
                LoopStats.Counts copy = new LoopStats.Counts();
                copy.add(s.total);
                return new Object[] {copy, s.lastReply, s.open, s.lastSent};
            }).get();
            total.add((LoopStats.Counts) got[0]);
            last = Math.max(last, (Long) got[1]);
            open += (Integer) got[2];
            lastSent = Math.max(lastSent, (Long) got[3]);
        }
        long end = System.nanoTime();
        CpuMeter.Use use = cpu.end();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        long elapsed = Math.max(last - measureStart, TimeUnit.MILLISECONDS.toNanos(1));
        if (total.sent == 0) {
            elapsed = Math.max(1, end - measureStart);
        }
        // the period requests were scheduled in: to the end of -d, or to the last send
        long sending = Math.max(1, (run.deadline != 0 ? run.deadline : lastSent) - measureStart);
        return new Result(options, total, elapsed, sending, use, run.unsent.get(), clients.size(),
                run.everConnected(), run.aborted(), open);
    }

    /** The second that just ended, over every loop. */
    Second second() throws InterruptedException, ExecutionException {
        LoopStats.Counts c = new LoopStats.Counts();
        int open = 0;
        for (int l = 0; l < loops.size(); l++) {
            LoopStats s = stats.get(l);
            Object[] got = loops.get(l).submit(() -> new Object[] {s.takeSecond(), s.open}).get();
            c.add((LoopStats.Counts) got[0]);
            open += (Integer) got[1];
        }
        return new Second(c, open, options.openLoop());
    }

    int openConnections() throws InterruptedException, ExecutionException {
        int open = 0;
        for (int l = 0; l < loops.size(); l++) {
            LoopStats s = stats.get(l);
            open += loops.get(l).submit(() -> s.open).get();
        }
        return open;
    }

    private void onLoops(java.util.function.Consumer<LoopStats> task) throws Exception {
        for (int l = 0; l < loops.size(); l++) {
            LoopStats s = stats.get(l);
            loops.get(l).submit(() -> task.accept(s)).get();
        }
    }

    void forEachClient(java.util.function.Consumer<Client> task) {
        for (Client c : clients) {
            c.loop.execute(() -> task.accept(c));
        }
    }

    /** One line of the live output. */
    record Second(LoopStats.Counts counts, int open, boolean openLoop) {
        String line(long elapsedSeconds, boolean warming) {
            LoopStats.Counts c = counts;
            var h = openLoop ? c.corrected : c.latency;
            String p = c.ok == 0 ? "p50 -  p99 -" : "p50 " + Durations.format(h.getValueAtPercentile(50))
                    + "  p99 " + Durations.format(h.getValueAtPercentile(99));
            return "%4ds%s  %,10d req/s  errors %,d  %s  conns %,d".formatted(elapsedSeconds,
                    warming ? " (warm-up)" : "", c.ok + c.failed, c.errorCount(), p, open);
        }
    }
}
