package io.jswoole.http;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.Port;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.Server;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.RequestTimes;
import io.jswoole.server.spi.ServerProbe;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * HTTP/1.1 on a server port: Netty's decoder and encoder, then (per connection) the
 * {@link Sequencer} and the {@link HttpGuard}; each complete request becomes a {@code request} event in a worker.
 */
final class HttpProtocol implements PortProtocol {
    static final String SEQUENCER = "http-sequencer", WS_EXT = "ws-ext", COALESCER = "http-coalescer";

    private final HttpServer server;
    private final UpgradeHandler upgrades;
    private volatile HttpConfig config;
    private volatile StaticFiles statics;
    /** Connections that reached a worker, by fd. */
    private final Map<Integer, HttpConn> conns = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Map<Integer, Slots> workerSlots = new ConcurrentHashMap<>();
    private final HttpRemote remote;

    HttpProtocol(HttpServer server, UpgradeHandler upgrades) {
        this.server = server;
        this.upgrades = upgrades;
        this.remote = new HttpRemote(this);
        this.local = HttpConnections.local(this);
        this.connections = local;
    }

    /** The connections of this JVM's table (BASE, THREAD, the PROCESS master). */
    private final HttpConnections local;
    /** What handlers reach: {@link #local}, or the master's from a worker JVM (chosen at start). */
    private volatile HttpConnections connections;

    HttpConnections local() {
        return local;
    }

    HttpConnections connections() {
        return connections;
    }

    /** At start: in a worker JVM the connections are the master's. */
    void inWorkerJvm(boolean workerJvm) {
        connections = workerJvm ? HttpConnections.remote(server) : local;
    }

    @Override
    public Remote remote() {
        return remote;
    }

    HttpServer server() {
        return server;
    }

    UpgradeHandler upgrades() {
        return upgrades;
    }

    /** Every connection whose requests reached a worker (the master's, in PROCESS mode). */
    Iterable<HttpConn> conns() {
        return conns.values();
    }

    /** {@code c} is connection {@code fd} of the server (known once its first message goes to a worker). */
    void track(HttpConn c, int fd) {
        if (c.fd != fd) {
            c.fd = fd;
            conns.put(fd, c);
            if (!c.channel.isActive()) {
                conns.remove(fd, c);
            }
        }
    }

    void configure(HttpConfig cfg) {
        config = cfg;
        statics = cfg.staticHandler() ? new StaticFiles(cfg) : null;
    }

    HttpConfig config() {
        return config;
    }

    boolean websocket() {
        return upgrades != null;
    }

    /** Ports of a WebSocketServer set {@code open_websocket_protocol: false}: HTTP only, an Upgrade is ignored. */
    private final java.util.Set<Integer> httpOnlyPorts = ConcurrentHashMap.newKeySet();

    void websocketOn(Port port, boolean on) {
        if (on) {
            httpOnlyPorts.remove(port.index());
        } else {
            httpOnlyPorts.add(port.index());
        }
    }

    HttpConn conn(int fd) {
        return conns.get(fd);
    }

    @Override
    public void initChannel(Channel ch, Port port) {
        HttpConfig cfg = config;
        HttpConn c = new HttpConn(ch, this, websocket() && !httpOnlyPorts.contains(port.index()));
        RequestTimes.Series[] times = requestTimes(port);
        if (times != null) {
            c.timing = new Timing(times[0]);
            c.h2Times = times[1];
        }
        HttpDecoderConfig dc = new HttpDecoderConfig()
                .setMaxInitialLineLength(cfg.maxRequestLine())
                .setMaxHeaderSize(cfg.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true);
        ChannelPipeline p = ch.pipeline();
        p.addLast(COALESCER, new Coalescer());
        if (cfg.http2().on()) {
            p.addLast(H2Switch.NAME, new H2Switch(c));
        }
        p.addLast(UpgradeHandler.DECODER, new RequestDecoder(c, dc));
        p.addLast(UpgradeHandler.ENCODER, new ResponseEncoder());
        if (upgrades != null && cfg.wsCompression()) {
            p.addLast(WS_EXT, new WebSocketServerCompressionHandler((int) Math.min(Integer.MAX_VALUE,
                    cfg.packageMaxLength())));
        }
        p.addLast(SEQUENCER, new Sequencer(c));
        p.addLast(UpgradeHandler.GUARD, new HttpGuard(c));
        ch.closeFuture().addListener(f -> {
            int fd = c.fd;
            if (fd > 0) {
                conns.remove(fd, c);
                if (upgrades != null && c.wsStatus != HttpConn.WS_CONNECTION) {
                    upgrades.closed(fd);
                }
            }
        });
    }

    /** The server's request-duration histograms, once known (the JVM that owns the sockets). */
    private volatile RequestTimes requestTimes;
    private final Map<Integer, RequestTimes.Series[]> timesByPort = new ConcurrentHashMap<>();

    /**
     * The HTTP/1.1 and HTTP/2 histograms of {@code port} ({@code port} label: its number, or a Unix socket's path),
     * or null while metrics are off.
     */
    private RequestTimes.Series[] requestTimes(Port port) {
        RequestTimes t = requestTimes;
        if (t == null) {
            t = server.probe().map(ServerProbe::requestTimes).orElse(null);
            if (t == null) {
                return null;
            }
            requestTimes = t;
        }
        if (!t.enabled()) {
            return null;
        }
        RequestTimes rt = t;
        return timesByPort.computeIfAbsent(port.index(), i -> {
            String label = port.type().isUnix() ? port.host() : Integer.toString(port.port());
            return new RequestTimes.Series[] {rt.series(label, "http/1.1"), rt.series(label, "h2")};
        });
    }

    /** Swoole's ALPN for HTTP ports: h2 when {@code open_http2_protocol} is on, then http/1.1. */
    @Override
    public List<String> alpn() {
        HttpConfig cfg = config;
        return cfg != null && cfg.http2().on() ? List.of("h2", "http/1.1") : List.of("http/1.1");
    }

    @Override
    public void drain(Channel ch) {
        HttpGuard guard = ch.pipeline().get(HttpGuard.class);
        H2Connection h2 = ch.pipeline().get(H2Connection.class);
        if (h2 != null) {
            h2.drain();
        } else if (guard != null) {
            guard.drain();
        } else if (upgrades != null) {
            upgrades.drain(ch.pipeline());
        }
    }

    /** A 101 went out on {@code c} (its event loop): the connection now speaks the upgraded protocol. */
    void upgraded(HttpConn c, ChannelPipeline p) {
        c.guard = null;
        c.wsStatus = HttpConn.WS_ACTIVE;
        upgrades.upgraded(p, c.fd);
        p.remove(SEQUENCER);
        c.channel.config().setAutoRead(true);
    }

    @Override
    public void onMessage(Server s, int fd, int reactorId, Object message) {
        if (!(message instanceof HttpExchange ex)) {
            upgrades.onMessage(fd, message);
            return;
        }
        HttpConn c = ex.conn(); // null in a worker JVM: the master keeps the connection
        if (c != null) {
            track(c, fd);
        }
        HttpConfig cfg = config;
        Request req = new Request(fd, ex, cfg);
        Response res = new Response(server, fd, ex);
        boolean handedOff = false;
        try {
            if (ex.upgrade()) {
                if (c != null) {
                    c.wsStatus = HttpConn.WS_HANDSHAKE;
                }
                upgrades.handshake(req, res);
                if (!res.isFinished() && !res.isDetached()) {
                    res.refuseUpgrade();
                }
                return;
            }
            StaticFiles st = statics;
            if (st != null && st.serve(req, res)) {
                return;
            }
            if (active.incrementAndGet() > cfg.maxConcurrency()) {
                active.decrementAndGet();
                Log.notice("max_concurrency (" + cfg.maxConcurrency() + ") reached: 503 for fd " + fd);
                res.status(503);
                res.end(Responses.page(503));
                return;
            }
            handedOff = true;
            if (cfg.workerMaxConcurrency() == Integer.MAX_VALUE) {
                serve(req, res, ex, null);
                return;
            }
            Slots slots = workerSlots.computeIfAbsent(server.getWorkerId(),
                    w -> new Slots(cfg.workerMaxConcurrency()));
            // as in Swoole, a request past worker_max_concurrency waits in a queue, not in a coroutine; the worker
            // counts it as busy (it is not stopped or recycled before serving it)
            if (slots.enterOrQueue(() -> {
                Runnable release = ProtocolSupport.hold(server);
                return () -> {
                    try {
                        serve(req, res, ex, slots);
                    } finally {
                        release.run();
                    }
                };
            })) {
                serve(req, res, ex, slots);
            }
        } catch (RuntimeException | Error e) {
            Log.error("request failed (fd " + fd + ", " + ex.head().method() + " " + ex.head().uri() + ")", e);
            res.fail();
        } finally {
            if (!handedOff) {
                finish(res, ex);
            }
        }
    }

    /**
     * Runs the request handler; then frees the request's slot, which the next waiting request takes. With
     * {@code max_request_execution_time} a {@link Deadline} may answer and free the slot first.
     */
    private void serve(Request req, Response res, HttpExchange ex, Slots slots) {
        long limit = config.executionTimeMillis();
        Deadline deadline = limit > 0 ? Deadline.arm(res, req, limit, s -> leave(slots, s)) : null;
        try {
            RequestHandler h = server.requestHandler();
            if (h == null) {
                res.status(400);
                res.end(Responses.page(400));
            } else {
                h.handle(req, res);
            }
        } catch (RuntimeException | Error e) {
            if (deadline != null && deadline.fired()) { // canceled at its deadline: its line said it all
                Log.debug("request handler ended after its deadline (fd " + req.fd() + "): " + e);
            } else {
                Log.error("request handler failed (fd " + req.fd() + ", " + ex.head().method() + " "
                        + ex.head().uri() + ")", e);
            }
            res.fail();
        } finally {
            if (deadline == null) {
                leave(slots, null);
            } else {
                deadline.handlerReturned();
            }
            finish(res, ex);
        }
    }

    /** A request left its handler (or passed its deadline): its slot goes to the next waiting request. */
    private void leave(Slots slots, Scheduler worker) {
        active.decrementAndGet();
        Runnable next = slots == null ? null : slots.leave();
        if (next != null) {
            (worker == null ? Scheduler.current() : worker).dispatch(next);
        }
    }

    /** A handler that returns without ending gets an empty response; uploaded files go. */
    private static void finish(Response res, HttpExchange ex) {
        if (!res.isFinished() && !res.isDetached()) {
            res.end();
        }
        Multipart.deleteFiles(ex.files());
    }

    /** The requests of one worker in handlers, at most {@code worker_max_concurrency}, and those waiting. */
    private static final class Slots {
        private final int max;
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        private int running;

        Slots(int max) {
            this.max = max;
        }

        /** Takes a slot (true), or queues what {@code later} makes, to run when one frees (false). */
        synchronized boolean enterOrQueue(Supplier<Runnable> later) {
            if (running < max) {
                running++;
                return true;
            }
            waiting.add(later.get());
            return false;
        }

        /** A slot freed: the next waiting request, which takes it, or null. */
        synchronized Runnable leave() {
            Runnable next = waiting.poll();
            if (next == null) {
                running--;
            }
            return next;
        }
    }
}
