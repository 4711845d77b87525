package io.jswoole.grpc;

import io.grpc.BindableService;
import io.grpc.DecompressorRegistry;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.jswoole.http.HttpServer;
import io.jswoole.http.Request;
import io.jswoole.http.RequestHandler;
import io.jswoole.http.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * gRPC services of grpc-java ({@link BindableService}s and {@link ServerServiceDefinition}s, protoc-generated or
 * intercepted with {@code ServerInterceptors}) served on an {@link HttpServer}'s HTTP/2 (h2 and h2c):
 * <pre>{@code
 * var http = new HttpServer("127.0.0.1", 50051);
 * http.set(Map.of("open_http2_protocol", true));
 * GrpcService.builder().addService(new GreeterImpl()).build().install(http);
 * http.start();
 * }</pre>
 * Each RPC is a request of the server, run in a worker as a coroutine, its body streamed
 * ({@link HttpServer#streamBody}), so client, server and bidirectional streaming work with flow control from end to
 * end. Metadata, status and trailers, {@code grpc-timeout} deadlines (passed on the server: RST_STREAM(CANCEL)),
 * cancellation (RST_STREAM), {@code isReady}/{@code onReady} per stream ({@link io.jswoole.http.H2Stream}), gzip
 * compression both ways and {@code maxInboundMessageSize} (RESOURCE_EXHAUSTED past it) are grpc-java's semantics.
 * Every mode: in PROCESS mode the master relays each call's body to the worker JVM running it (dispatch_mode 2 or 4;
 * with the others a call's body arrives whole, a client that waits for answers before ending its stream stalls, and
 * {@code isReady} stays true).
 */
public final class GrpcService implements RequestHandler {
    /** The deadlines' timer (grpc's {@code Context} needs a scheduler). */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jswoole-grpc-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, ServerMethodDefinition<?, ?>> methods;
    private final int maxInbound;
    private final RequestHandler fallback;
    private final DecompressorRegistry decompressors = DecompressorRegistry.getDefaultInstance();
    private final String acceptEncodings;

    private GrpcService(Builder b) {
        this.methods = Map.copyOf(b.methods);
        this.maxInbound = b.maxInbound;
        this.fallback = b.fallback;
        this.acceptEncodings = String.join(",", decompressors.getAdvertisedMessageEncodings());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a {@link GrpcService} serves. */
    public static final class Builder {
        private final Map<String, ServerMethodDefinition<?, ?>> methods = new LinkedHashMap<>();
        private int maxInbound = 4 * 1024 * 1024;
        private RequestHandler fallback;

        private Builder() {
        }

        public Builder addService(BindableService service) {
            return addService(service.bindService());
        }

        /** Adds every method of {@code service} (replacing a method of the same full name). */
        public Builder addService(ServerServiceDefinition service) {
            for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
                methods.put(m.getMethodDescriptor().getFullMethodName(), m);
            }
            return this;
        }

        /** The largest request message accepted (4 MiB, grpc-java's default); larger: RESOURCE_EXHAUSTED. */
        public Builder maxInboundMessageSize(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxInboundMessageSize must be positive, got " + bytes);
            }
            maxInbound = bytes;
            return this;
        }

        /** Where requests that are not gRPC go (by default a 415 page). */
        public Builder fallback(RequestHandler handler) {
            fallback = Objects.requireNonNull(handler);
            return this;
        }

        public GrpcService build() {
            return new GrpcService(this);
        }
    }

    /**
     * Serves this on {@code http}: gRPC requests are streamed ({@link HttpServer#streamBody}) and handled here, the
     * others go to the fallback. {@code open_http2_protocol} must be on (gRPC is HTTP/2 only).
     */
    public GrpcService install(HttpServer http) {
        http.streamBody(GrpcService::isGrpc);
        http.onRequest(this);
        return this;
    }

    /** Whether {@code req} is a gRPC call (content-type {@code application/grpc} or {@code application/grpc+...}). */
    public static boolean isGrpc(Request req) {
        String ct = req.header().get("content-type");
        return ct != null && ct.regionMatches(true, 0, "application/grpc", 0, 16)
                && (ct.length() == 16 || ct.charAt(16) == '+' || ct.charAt(16) == ';');
    }

    @Override
    public void handle(Request req, Response res) {
        if (!isGrpc(req)) {
            if (fallback != null) {
                fallback.handle(req, res);
            } else {
                res.status(415);
                res.end("not a gRPC request (content-type application/grpc)\n");
            }
            return;
        }
        if (req.streamId() == 0) {
            res.status(426);
            res.header("Upgrade", "h2c");
            res.end("gRPC needs HTTP/2\n");
            return;
        }
        if (!req.getMethod().equals("POST")) {
            res.status(405);
            res.end("gRPC calls are POSTs\n");
            return;
        }
        String name = req.path().startsWith("/") ? req.path().substring(1) : req.path();
        ServerMethodDefinition<?, ?> def = methods.get(name);
        if (def == null) {
            trailersOnly(res, Status.UNIMPLEMENTED.withDescription("Method not found: " + name));
            return;
        }
        new GrpcCall<>(req, res, def, this).serve();
    }

    /** A call answered with its status only (one HEADERS frame... here the headers, then the trailers). */
    static void trailersOnly(Response res, Status s) {
        res.status(200);
        res.header("content-type", "application/grpc");
        res.trailer("grpc-status", Integer.toString(s.getCode().value()));
        if (s.getDescription() != null) {
            res.trailer("grpc-message", GrpcWire.encodeMessage(s.getDescription()));
        }
        res.end();
    }

    int maxInboundMessageSize() {
        return maxInbound;
    }

    DecompressorRegistry decompressors() {
        return decompressors;
    }

    String acceptEncodings() {
        return acceptEncodings;
    }
}
