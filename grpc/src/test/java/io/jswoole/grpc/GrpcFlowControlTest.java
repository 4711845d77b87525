package io.jswoole.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jswoole.http.H2Stream;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ServerCall.isReady and Listener.onReady per stream: a server-streaming handler that writes while {@code isReady()}
 * (grpc-java's {@code setOnReadyHandler} pattern) to grpc-java's client reading slowly (manual flow control: one
 * {@code request(1)} at a time, a pause now and then). The server stops when its unwritten bytes reach 32 KiB and
 * goes on at onReady, so in a pause it is at most the client's flow-control window plus that threshold (plus one
 * message) ahead of what the client read; every message arrives, in order. In every mode (in PROCESS mode the master
 * reports the written bytes to the worker JVM).
 */
class GrpcFlowControlTest {
    static final int COUNT = 400, SIZE = 4096, WINDOW = 64 * 1024;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSlowReaderHoldsTheServerBackAndGetsEveryMessageInOrder(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1, "open_http2_protocol", true),
                     FlowApp.class, probe))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext()
                    .flowControlWindow(WINDOW).build();
            try {
                LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
                CompletableFuture<Status> closed = new CompletableFuture<>();
                ClientCall<byte[], byte[]> call = ch.newCall(FlowApp.STREAM, CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        got.add(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                }, new Metadata());
                call.sendMessage(ByteBuffer.allocate(8).putInt(COUNT).putInt(SIZE).array());
                call.halfClose();
                List<Integer> ahead = new ArrayList<>();
                for (int k = 0; k < COUNT; k++) {
                    if (k % 100 == 50) { // the client has read k messages and asks for none: the server must stop
                        Thread.sleep(700);
                        ahead.add(lastStop(probe) - k);
                    }
                    call.request(1);
                    byte[] m = got.poll(10, TimeUnit.SECONDS);
                    assertThat(m).as("message " + k).isNotNull();
                    assertThat(m).hasSize(SIZE);
                    assertThat(ByteBuffer.wrap(m).getInt()).as("the messages' order").isEqualTo(k);
                    Thread.sleep(1);
                }
                call.request(1);
                assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
                assertThat(got).isEmpty();
                // the messages the server wrote past what the client read: the window, the threshold, one message
                int bound = (WINDOW + H2Stream.READY_THRESHOLD) / (SIZE + 5) + 2;
                System.out.println(mode + ": the server was " + ahead + " messages ahead in the pauses (at most "
                        + bound + "); " + probe.events().stream().filter(e -> e.startsWith("not ready")).count()
                        + " stops");
                // and at least half a window ahead: the client's window updates come per half window
                assertThat(ahead).hasSize(4).allSatisfy(a -> assertThat(a).isBetween(WINDOW / 2 / (SIZE + 5), bound));
                assertThat(probe.events()).anyMatch(e -> e.startsWith("not ready after "));
                assertThat(probe.events()).contains("stream done");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The message count at which the server last found the stream not ready. */
    private static int lastStop(Probe probe) {
        return probe.events().stream().filter(e -> e.startsWith("not ready after "))
                .mapToInt(e -> Integer.parseInt(e.substring("not ready after ".length()))).max().orElse(-1);
    }
}
