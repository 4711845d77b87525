package io.jswoole.metrics;

import io.jswoole.server.spi.ServerProbe;
import io.jswoole.server.spi.ServerProbe.WorkerState;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.jswoole.server.spi.RequestTimes;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A server's figures as Prometheus metrics: every key of Swoole's {@code stats()}, per worker its counters, memory and
 * coroutines, and each event loop's pending tasks. All are callbacks, read at scrape time from what the server counts
 * anyway, so a server with metrics does no more work per request than one without.
 * <p>Names follow the Prometheus conventions (base units, {@code _total} on counters, the unit as the last word, so
 * that OpenMetrics' {@code # UNIT} matches); each family's help names the Swoole key it comes from. Counters are
 * Swoole's monotonic keys ({@code accept_count}, {@code request_count}, ...), gauges the rest.
 */
public final class ServerMetrics {
    private static final String[] WORKER = {"worker", "kind"};

    private ServerMetrics() {
    }

    /** Registers the metrics of {@code probe} in {@code registry} (a registry of the application's own, or ours). */
    public static void register(ServerProbe probe, PrometheusRegistry registry) {
        statsGauge(registry, probe, "jswoole_start_time_seconds", "seconds", "start_time",
                "when the server started, in seconds since the epoch (Swoole: start_time)");
        statsGauge(registry, probe, "jswoole_connections", "connections", "connection_num",
                "connections open now (Swoole: connection_num)");
        statsCounter(registry, probe, "jswoole_accepted_connections", "connections", "accept_count",
                "connections accepted (Swoole: accept_count)");
        statsCounter(registry, probe, "jswoole_closed_connections", "connections", "close_count",
                "connections closed (Swoole: close_count)");
        statsCounter(registry, probe, "jswoole_aborted_connections", "connections", "abort_count",
                "connections refused or aborted, such as over max_conn (Swoole: abort_count)");
        statsGauge(registry, probe, "jswoole_event_workers", "workers", "worker_num",
                "event workers configured (Swoole: worker_num)");
        statsGauge(registry, probe, "jswoole_task_workers", "workers", "task_worker_num",
                "task workers configured (Swoole: task_worker_num)");
        statsGauge(registry, probe, "jswoole_user_workers", "workers", "user_worker_num",
                "user processes added with addProcess (Swoole: user_worker_num)");
        statsGauge(registry, probe, "jswoole_idle_workers", "workers", "idle_worker_num",
                "event workers with no event in flight (Swoole: idle_worker_num)");
        statsCounter(registry, probe, "jswoole_dispatched_events", "events", "dispatch_count",
                "events handed to the event workers (Swoole: dispatch_count)");
        statsCounter(registry, probe, "jswoole_received_requests", "requests", "request_count",
                "requests (data events) received (Swoole: request_count)");
        statsCounter(registry, probe, "jswoole_responses", "responses", "response_count",
                "sends the event workers made to clients (Swoole: response_count)");
        statsCounter(registry, probe, "jswoole_received_bytes", "bytes", "total_recv_bytes",
                "bytes received from clients (Swoole: total_recv_bytes)");
        statsCounter(registry, probe, "jswoole_sent_bytes", "bytes", "total_send_bytes",
                "bytes sent to clients (Swoole: total_send_bytes)");
        statsGauge(registry, probe, "jswoole_pipe_packet_msg_id", "id", "pipe_packet_msg_id",
                "the last id of a message split across pipe packets; jswoole's frames need none (Swoole: "
                        + "pipe_packet_msg_id)");
        statsGauge(registry, probe, "jswoole_concurrent_requests", "requests", "concurrency",
                "events the event workers hold now (Swoole: concurrency)");
        statsGauge(registry, probe, "jswoole_session_id", "id", "session_round",
                "the last session id handed to a connection (Swoole: session_round)");
        statsGauge(registry, probe, "jswoole_min_fd", "fd", "min_fd", "the lowest fd of an open connection, 0 "
                + "without one (Swoole: min_fd)");
        statsGauge(registry, probe, "jswoole_max_fd", "fd", "max_fd", "the highest fd of an open connection, 0 "
                + "without one (Swoole: max_fd)");
        statsGauge(registry, probe, "jswoole_task_queue_tasks", "tasks", "task_queue_num",
                "tasks queued for the task workers and not finished (Swoole: task_queue_num)");
        statsGauge(registry, probe, "jswoole_task_queue_bytes", "bytes", "task_queue_bytes",
                "bytes waiting in a task message queue; task_ipc_mode 2 and 4 are not supported, so 0 (Swoole: "
                        + "task_queue_bytes)");
        statsGauge(registry, probe, "jswoole_idle_task_workers", "workers", "task_idle_worker_num",
                "task workers with no task in flight (Swoole: task_idle_worker_num)");
        statsGauge(registry, probe, "jswoole_running_tasks", "tasks", "tasking_num",
                "tasks in flight (Swoole: tasking_num)");

        workerGauge(registry, probe, "jswoole_up_workers", "workers",
                "1 when the worker runs (its thread, or its JVM said hello and is alive), else 0",
                w -> w.up() ? 1 : 0);
        workerGauge(registry, probe, "jswoole_busy_workers", "workers",
                "1 when the worker has an event in flight, else 0 (getWorkerStatus: BUSY or IDLE)",
                w -> w.busy() ? 1 : 0);
        workerCounter(registry, probe, "jswoole_worker_dispatched_events", "events",
                "events handed to this worker (Swoole: worker_dispatch_count)", WorkerState::dispatched);
        workerCounter(registry, probe, "jswoole_worker_responses", "responses",
                "sends this worker made to clients (Swoole: worker_response_count)", WorkerState::responses);
        CounterWithCallback.builder().name("jswoole_worker_finished_tasks").unit(new Unit("tasks"))
                .help("tasks this task worker finished, for task workers of this JVM (Swoole: worker_request_count "
                        + "of a task worker)")
                .labelNames(WORKER).callback(cb -> probe.workers().stream()
                        // a task worker JVM counts its own finished tasks: shown for task workers of this JVM only
                        .filter(w -> w.task() && w.pid() == ProcessHandle.current().pid())
                        .forEach(w -> cb.call(w.requests(), labels(w)))).register(registry);
        workerGauge(registry, probe, "jswoole_worker_concurrent_events", "events",
                "events this worker holds now (Swoole: worker_concurrency)", WorkerState::concurrency);
        workerOptional(registry, probe, "jswoole_worker_coroutines", "coroutines",
                "coroutines alive in this worker (Swoole: coroutine_num; a worker JVM reports its own when they "
                        + "change, at most once a second)",
                w -> asLong(w.coroutines()));
        workerOptional(registry, probe, "jswoole_worker_peak_coroutines", "coroutines",
                "the most coroutines this worker had at once (Swoole: coroutine_peek_num)",
                w -> asLong(w.coroutinePeak()));
        workerOptional(registry, probe, "jswoole_worker_resident_memory_bytes", "bytes",
                "resident set size of the worker's JVM (VmRSS; in BASE and THREAD mode, the server's JVM)",
                WorkerState::residentBytes);
        workerOptional(registry, probe, "jswoole_worker_heap_used_bytes", "bytes",
                "heap in use in the worker's JVM", WorkerState::heapUsedBytes);
        workerOptional(registry, probe, "jswoole_worker_heap_committed_bytes", "bytes",
                "heap committed by the worker's JVM", WorkerState::heapCommittedBytes);

        GaugeWithCallback.builder().name("jswoole_event_loop_pending_tasks").unit(new Unit("tasks"))
                .help("tasks waiting in each event loop's queue (Netty's pendingTasks)").labelNames("loop")
                .callback(cb -> {
                    List<Integer> pending = probe.eventLoopPendingTasks();
                    for (int i = 0; i < pending.size(); i++) {
                        cb.call(pending.get(i), Integer.toString(i));
                    }
                }).register(registry);
        requestDurations(registry, probe);
        GaugeWithCallback.builder().name("jswoole_ready_servers").unit(new Unit("servers"))
                .help("1 when /health/ready answers 200: every port listens, every worker is up, not draining")
                .callback(cb -> cb.call(probe.readiness().ready() ? 1 : 0)).register(registry);
    }

    /**
     * {@code jswoole_request_duration_seconds}: a histogram per port and protocol ({@code http/1.1}, {@code h2}) of
     * the time from a request's head parsed to its response's last byte handed to the socket, measured on the event
     * loop that writes it (the PROCESS master's, whichever worker JVM answered). The server counts into fixed buckets
     * ({@link RequestTimes#BOUNDS}); the library writes them as a classic histogram at scrape time. Registering turns
     * the recording on.
     */
    private static void requestDurations(PrometheusRegistry registry, ServerProbe probe) {
        RequestTimes times = probe.requestTimes();
        double[] bounds = new double[RequestTimes.BOUNDS.size() + 1];
        for (int i = 0; i < bounds.length - 1; i++) {
            bounds[i] = RequestTimes.BOUNDS.get(i);
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        String name = "jswoole_request_duration_seconds";
        registry.register(new Collector() {
            @Override
            public MetricSnapshot collect() {
                HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).unit(Unit.SECONDS)
                        .help("time from a request's head parsed to its response's last byte written, per port and "
                                + "protocol (HTTP/1.1 and HTTP/2 requests)");
                for (RequestTimes.Series s : times.all()) {
                    b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.counts()))
                            .sum(s.sumSeconds()).labels(Labels.of("port", s.port(), "protocol", s.protocol()))
                            .build());
                }
                return b.build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        });
        times.enable();
    }

    private static OptionalLong asLong(OptionalInt v) {
        return v.isPresent() ? OptionalLong.of(v.getAsInt()) : OptionalLong.empty();
    }

    private static double number(Map<String, Object> stats, String key) {
        return stats.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    private static void statsGauge(PrometheusRegistry r, ServerProbe probe, String name, String unit, String key,
            String help) {
        GaugeWithCallback.builder().name(name).unit(new Unit(unit)).help(help)
                .callback(cb -> cb.call(number(probe.stats(), key))).register(r);
    }

    private static void statsCounter(PrometheusRegistry r, ServerProbe probe, String name, String unit, String key,
            String help) {
        CounterWithCallback.builder().name(name).unit(new Unit(unit)).help(help)
                .callback(cb -> cb.call(number(probe.stats(), key))).register(r);
    }

    private static String[] labels(WorkerState w) {
        return new String[] {Integer.toString(w.id()), w.task() ? "task" : "event"};
    }

    private static void workerGauge(PrometheusRegistry r, ServerProbe probe, String name, String unit, String help,
            ToDoubleFunction<WorkerState> value) {
        GaugeWithCallback.builder().name(name).unit(new Unit(unit)).help(help).labelNames(WORKER)
                .callback(cb -> probe.workers().forEach(w -> cb.call(value.applyAsDouble(w), labels(w))))
                .register(r);
    }

    private static void workerCounter(PrometheusRegistry r, ServerProbe probe, String name, String unit, String help,
            ToDoubleFunction<WorkerState> value) {
        CounterWithCallback.builder().name(name).unit(new Unit(unit)).help(help).labelNames(WORKER)
                .callback(cb -> probe.workers().forEach(w -> cb.call(value.applyAsDouble(w), labels(w))))
                .register(r);
    }

    /** A worker gauge with a sample only for workers whose value is known. */
    private static void workerOptional(PrometheusRegistry r, ServerProbe probe, String name, String unit,
            String help, Function<WorkerState, OptionalLong> value) {
        GaugeWithCallback.builder().name(name).unit(new Unit(unit)).help(help).labelNames(WORKER)
                .callback(cb -> probe.workers().forEach(w -> value.apply(w)
                        .ifPresent(v -> cb.call(v, labels(w))))).register(r);
    }
}
