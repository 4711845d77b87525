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

    /** {@link HttpServer#streamBody}: which requests are handed over at their head; null when none. */
    private volatile java.util.function.Predicate<Request> streamBody;

    void streamBody(java.util.function.Predicate<Request> which) {
        streamBody = which;
    }

    /** Whether any request may be streamed (a test is set, and in PROCESS mode a sticky dispatch mode). */
    boolean streamsAny() {
        return streamBody != null && bodies != Bodies.WHOLE;
    }

    /** Where a streamed request body is read, chosen once, at {@link #configure}. */
    private enum Bodies {
        /** BASE and THREAD: by the handler, in this JVM. */
        HERE,
        /** The PROCESS master, with dispatch_mode 2 or 4: relayed to the worker JVM that got the request. */
        RELAYED,
        /** The PROCESS master with any other dispatch mode: the parts could reach other worker JVMs; never streamed. */
        WHOLE
    }

    private volatile Bodies bodies = Bodies.HERE;

    /** Worker JVM: the streamed bodies of requests it holds, by fd and sequence number (HTTP/2: stream id). */
    private final Map<BodyKey, RequestBody> workerBodies = new ConcurrentHashMap<>();

    record BodyKey(int fd, long seq) {
    }

    /** Worker JVM: a streamed request arrived; the handler reads {@code b}, parts of its body follow. */
    void workerBody(int fd, long seq, RequestBody b) {
        workerBodies.put(new BodyKey(fd, seq), b);
    }

    /** Worker JVM: a part of a body, applied on the IPC reader's thread in order (a late one is dropped). */
    void workerPart(int fd, BodyRelay.Part p) {
        BodyKey k = new BodyKey(fd, p.seq());
        RequestBody b = workerBodies.get(k);
        if (b == null) {
            return; // the handler is done (or this JVM replaced one that died): nothing reads it
        }
        switch (p.kind()) {
            case BodyRelay.DATA -> b.offer(p.bytes());
            case BodyRelay.END -> b.end();
            default -> {
                workerBodies.remove(k, b);
                b.aborted(p.why());
            }
        }
    }

    /**
     * The body of a request handed over at its head: read here (BASE, THREAD) or relayed to a worker JVM (the
     * PROCESS master; {@code sink} fires a part down the pipeline, to the worker that got the request).
     */
    IncomingBody newBody(HttpConn c, long seq, RequestBody.Flow flow, java.util.function.Consumer<Object> sink) {
        if (bodies != Bodies.HERE) {
            BodyRelay r = new BodyRelay(seq, sink, flow);
            c.relays().put(seq, r);
            return r;
        }
        return RequestBody.streaming(flow, config.bodyTimeoutMillis()).feed();
    }

    /**
     * Whether the request of {@code head} is to be streamed (on the event loop, before its body). Never in PROCESS
     * mode, whose IPC carries whole requests to the worker JVMs.
     */
    boolean streams(HttpConn c, io.netty.handler.codec.http.HttpRequest head, long seq, double time) {
        java.util.function.Predicate<Request> which = streamBody;
        if (which == null || bodies == Bodies.WHOLE) {
            return false;
        }
        try {
            return which.test(new Request(c.fd, new HttpExchange(c, seq, head, new byte[0], null, Map.of(), true,
                    false, time), config));
        } catch (RuntimeException e) {
            Log.error("the streamBody test failed for " + head.method() + " " + head.uri() + ": read whole", e);
            return false;
        }
    }

    void configure(HttpConfig cfg) {
        Object dm = server.setting().getOrDefault("dispatch_mode", 2);
        boolean sticky = dm instanceof Number n && (n.intValue() == 2 || n.intValue() == 4);
        bodies = server.mode() != io.jswoole.server.Mode.PROCESS ? Bodies.HERE
                : sticky ? Bodies.RELAYED : Bodies.WHOLE;
        if (streamBody != null && bodies == Bodies.WHOLE && !ProtocolSupport.workerJvm(server)) {
            Log.warning("streamBody: request bodies are not streamed in PROCESS mode with dispatch_mode " + dm
                    + " (the parts of a body must reach the worker JVM holding its request: dispatch_mode 2 or 4); "
                    + "handlers read them from Request.body() once complete");
        }
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
        if (message == BodyRelay.APPLIED) {
            return; // a part of a streamed body, already given to its RequestBody
        }
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

    /**
     * A handler that returns without ending (or detaching) gets Swoole's 500 when nothing of its response went out,
     * and its response ended as it stands otherwise; uploaded files go.
     */
    private void finish(Response res, HttpExchange ex) {
        if (ex.stream() != null && ex.conn() == null && !res.isDetached()) {
            workerBodies.remove(new BodyKey(res.fd(), ex.seq()));
        }
        if (!res.isFinished() && !res.isDetached()) {
            res.status(500); // refused once the head went out (a chunked body begun): that one just ends
            res.end();
        }
        if (ex.stream() != null && !res.isDetached()) {
            ex.stream().abandon(); // what the handler did not read is dropped as it comes
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
