package io.jswoole.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.testing.integration.AbstractInteropTest;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * grpc-java's interop client (the test cases of {@code TestServiceClient}, grpc-interop-testing 1.79.0) against
 * grpc-java's {@code TestServiceImpl} served by jswoole over h2c, in every mode. The client runs in this JVM through
 * {@link AbstractInteropTest}, the class {@code TestServiceClient}'s own tester extends, on grpc-netty-shaded:
 * {@code TestServiceClient.main} is wired to the unshaded grpc-netty, whose Netty 4.1 would sit next to the
 * server's Netty 4.2 on one class path.
 */
class GrpcInteropTest {
    /** The client, as TestServiceClient's tester is, on a plaintext channel to the server. */
    static final class Client extends AbstractInteropTest {
        private final int port;

        Client(int port) {
            this.port = port;
        }

        @Override
        protected ManagedChannelBuilder<?> createChannelBuilder() {
            return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                    .flowControlWindow(AbstractInteropTest.TEST_FLOW_CONTROL_WINDOW)
                    .maxInboundMessageSize(AbstractInteropTest.MAX_MESSAGE_SIZE);
        }

        @Override
        protected boolean metricsExpected() {
            return false;
        }
    }

    interface Case {
        void run(Client c) throws Exception;
    }

    static Map<String, Case> cases() {
        Map<String, Case> m = new LinkedHashMap<>();
        m.put("empty_unary", Client::emptyUnary);
        m.put("large_unary", Client::largeUnary);
        m.put("client_compressed_unary_noprobe", c -> c.clientCompressedUnary(false));
        m.put("server_compressed_unary", Client::serverCompressedUnary);
        m.put("client_streaming", Client::clientStreaming);
        m.put("client_compressed_streaming_noprobe", c -> c.clientCompressedStreaming(false));
        m.put("server_streaming", Client::serverStreaming);
        m.put("server_compressed_streaming", Client::serverCompressedStreaming);
        m.put("ping_pong", Client::pingPong);
        m.put("empty_stream", Client::emptyStream);
        m.put("cancel_after_begin", Client::cancelAfterBegin);
        m.put("cancel_after_first_response", Client::cancelAfterFirstResponse);
        m.put("timeout_on_sleeping_server", Client::timeoutOnSleepingServer);
        m.put("very_large_request", Client::veryLargeRequest);
        m.put("custom_metadata", Client::customMetadata);
        m.put("status_code_and_message", Client::statusCodeAndMessage);
        m.put("special_status_message", Client::specialStatusMessage);
        m.put("unimplemented_method", Client::unimplementedMethod);
        m.put("unimplemented_service", Client::unimplementedService);
        m.put("deadline_exceeded", Client::deadlineExceeded);
        m.put("deadline_exceeded_server_streaming", Client::deadlineExceededServerStreaming);
        m.put("server_streaming_flow_controlled", Client::serverStreamingShouldBeFlowControlled);
        return m;
    }

    static List<String> run(int port, Mode mode) {
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Case> e : cases().entrySet()) {
            Client c = new Client(port);
            long t0 = System.nanoTime();
            try {
                c.setUp();
                e.getValue().run(c);
                System.out.println(mode + " " + e.getKey() + ": passed in " + (System.nanoTime() - t0) / 1_000_000
                        + " ms");
            } catch (Throwable t) {
                System.out.println(mode + " " + e.getKey() + ": FAILED " + t);
                t.printStackTrace(System.out);
                failed.add(e.getKey() + ": " + t);
            } finally {
                c.tearDown();
            }
        }
        return failed;
    }

    /** Every case but auth, xDS and the two compression probes (see below), in every mode. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void grpcJavasInteropClientPassesAgainstTestServiceImpl(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2, "open_http2_protocol", true),
                     InteropApp.class, probe))) {
            assertThat(run(s.port(), mode)).isEmpty();
        }
    }

    /**
     * client_compressed_unary and client_compressed_streaming (with the probe) need a server that answers
     * INVALID_ARGUMENT to an uncompressed message marked expect_compressed; grpc-java's TestServiceImpl never looks
     * at that field (TestCases has the _noprobe variants for it). grpc-java's own Netty server with the same service
     * fails them the same way, and so does jswoole.
     */
    @org.junit.jupiter.api.Test
    void theCompressionProbesFailOnGrpcJavasOwnServerToo() throws Exception {
        var service = io.grpc.ServerInterceptors.intercept(new io.grpc.testing.integration.TestServiceImpl(
                java.util.concurrent.Executors.newScheduledThreadPool(1)),
                io.grpc.testing.integration.TestServiceImpl.interceptors());
        io.grpc.Server reference = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(Mode.BASE, Map.of("worker_num", 1, "open_http2_protocol", true),
                     InteropApp.class, probe))) {
            for (int port : new int[] {reference.getPort(), s.port()}) {
                Client c = new Client(port);
                c.setUp();
                try {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.clientCompressedUnary(true))
                            .hasMessageContaining("expected INVALID_ARGUMENT");
                } finally {
                    c.tearDown();
                }
            }
        } finally {
            reference.shutdownNow();
        }
    }
}
