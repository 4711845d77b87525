package io.jswoole.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** grpc-hello with grpc-java's client (unary and bidirectional) and with curl, in every mode. */
class GrpcHelloTest {
    @ParameterizedTest
    @EnumSource(Mode.class)
    void greeterAnswersGrpcJavaAndCurl(Mode mode) throws Exception {
        var server = GrpcHello.create(new ExampleOptions("127.0.0.1", 0, mode, Map.of("worker_num", 2)));
        if (mode == Mode.PROCESS) {
            server.workerEntry(GrpcHello.class, "--mode", "process", "--port", "0", "--set", "worker_num=2");
        }
        try (Running s = Running.start(server)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext().build();
            try {
                StringValue got = ClientCalls.blockingUnaryCall(ch, GrpcHello.SAY_HELLO, CallOptions.DEFAULT,
                        StringValue.of("jswoole"));
                assertThat(got.getValue()).isEqualTo("Hello, jswoole!");
                List<String> answers = new CopyOnWriteArrayList<>();
                CountDownLatch done = new CountDownLatch(1);
                StreamObserver<StringValue> out = ClientCalls.asyncBidiStreamingCall(
                        ch.newCall(GrpcHello.CHAT, CallOptions.DEFAULT), new StreamObserver<>() {
                            @Override
                            public void onNext(StringValue v) {
                                answers.add(v.getValue());
                            }

                            @Override
                            public void onError(Throwable t) {
                                answers.add("error " + t);
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
                for (String name : List.of("a", "b", "c")) {
                    out.onNext(StringValue.of(name));
                }
                out.onCompleted();
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(answers).containsExactly("Hello, a!", "Hello, b!", "Hello, c!");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            // curl, as the class Javadoc shows: a framed StringValue in, a framed greeting and grpc-status 0 out
            Process p = new ProcessBuilder("sh", "-c", "printf '\\0\\0\\0\\0\\7\\n\\5World' | curl -sS "
                    + "--http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' "
                    + "--data-binary @- http://127.0.0.1:" + s.port() + "/hello.Greeter/SayHello").start();
            String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(body).endsWith("Hello, World!");
        }
    }
}
