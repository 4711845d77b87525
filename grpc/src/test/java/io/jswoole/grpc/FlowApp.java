package io.jswoole.grpc;

import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jswoole.http.HttpRecipe;
import io.jswoole.http.HttpServer;
import io.jswoole.server.Probe;
import io.jswoole.server.Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A gRPC service of raw bytes (no protobuf, so a raw HTTP/2 client can call it too) for the deadline and flow-control
 * tests; rebuilt in each worker JVM in PROCESS mode.
 * <ul>
 * <li>{@code Sleep} (unary): sleeps 1.5 s, then answers; the probe gets {@code sleep woke cancelled=...}.</li>
 * <li>{@code Stream} (server streaming): the request is {@code count:i32 size:i32}; it sends {@code count} messages
 * of {@code size} bytes (each starting with its index) while {@code isReady()}, and on from its onReady handler, as
 * grpc-java's StreamObserver pattern does. The probe gets {@code not ready after N} each time it stops at N
 * messages, then {@code stream done}.</li>
 * </ul>
 */
public final class FlowApp implements HttpRecipe {
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> SLEEP = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("jswoole.test.Flow/Sleep")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("jswoole.test.Flow/Stream")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    @Override
    public void build(Server server, Probe probe) {
        ServerServiceDefinition flow = ServerServiceDefinition.builder("jswoole.test.Flow")
                .addMethod(SLEEP, ServerCalls.asyncUnaryCall((req, obs) -> {
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    probe.add("sleep woke cancelled=" + Context.current().isCancelled());
                    obs.onNext(req);
                    obs.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((req, obs) -> stream(req, obs, probe)))
                .build();
        GrpcService.builder().addService(flow).build().install((HttpServer) server);
    }

    private static void stream(byte[] req, StreamObserver<byte[]> obs, Probe probe) {
        ByteBuffer r = ByteBuffer.wrap(req);
        int count = r.getInt(), size = r.getInt();
        var o = (ServerCallStreamObserver<byte[]>) obs;
        int[] next = {0};
        boolean[] done = {false};
        Runnable pump = () -> {
            synchronized (next) {
                if (done[0]) {
                    return;
                }
                while (o.isReady() && next[0] < count) {
                    byte[] m = new byte[size];
                    ByteBuffer.wrap(m).putInt(next[0]++);
                    o.onNext(m);
                }
                if (next[0] == count) {
                    done[0] = true;
                    o.onCompleted();
                    probe.add("stream done");
                } else {
                    probe.add("not ready after " + next[0]);
                }
            }
        };
        o.setOnCancelHandler(() -> probe.add("stream cancelled"));
        o.setOnReadyHandler(pump); // grpc-java runs it once the method returns (the stream is ready), then on onReady
    }
}
