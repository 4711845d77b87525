package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.ProtocolSupport;
import io.netty.channel.Channel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SPI that HTTP, WebSocket and Redis build on: a port protocol's codecs and its messages in the workers. */
class PortProtocolTest {
    /** A line protocol: each line is a message, answered upper-cased. */
    static final class Upper implements PortProtocol {
        @Override
        public void initChannel(Channel ch, Port port) {
            ch.pipeline().addLast(new LineBasedFrameDecoder(1024), new StringDecoder(), new StringEncoder());
        }

        @Override
        public void onMessage(Server server, int fd, int reactorId, Object message) {
            assertThat(server.getWorkerId()).isNotNegative();
            ProtocolSupport.write(server, fd, ((String) message).toUpperCase() + "\n");
        }
    }

    /** In PROCESS mode a protocol runs only if it can cross to the worker JVMs (a {@code Remote}); this one cannot. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void messagesOfAPortProtocolRunInWorkersAndRepliesGoThroughTheConnectionQueue(Mode mode) throws Exception {
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2));
        ProtocolSupport.use(s.ports().get(0), new Upper());
        if (mode == Mode.PROCESS) {
            org.assertj.core.api.Assertions.assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("(Upper) does not run in PROCESS mode");
            assertThat(s.isRunning()).isFalse();
            return;
        }
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write("hello\nworld\n".getBytes());
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            assertThat(in.readLine()).isEqualTo("HELLO");
            assertThat(in.readLine()).isEqualTo("WORLD");
            assertThat(s.stats().get("request_count")).isEqualTo(2L);
        }
    }

    /**
     * A line protocol named by its tag, which can cross to worker JVMs: each line is answered with the tag, the line
     * and the answer of the protocol's {@code Remote} to "who" (asked through the master in PROCESS mode). Replies
     * carry the tag across, and the master's side refuses a reply written by another protocol.
     */
    static class Tagged implements PortProtocol, PortProtocol.Remote {
        private final String tag;

        Tagged(String tag) {
            this.tag = tag;
        }

        @Override
        public void initChannel(Channel ch, Port port) {
            ch.pipeline().addLast(new LineBasedFrameDecoder(1024), new StringDecoder(), new StringEncoder());
        }

        @Override
        public void onMessage(Server server, int fd, int reactorId, Object message) {
            Object who = ProtocolSupport.call(server, fd, "who");
            ProtocolSupport.write(server, fd, tag + " " + message + " " + who + "\n");
        }

        @Override
        public Remote remote() {
            return this;
        }

        @Override
        public void writeMessage(int fd, Object message, PortProtocol.Delivery delivery, FrameOutput out)
                throws IOException {
            out.writeUTF((String) message);
        }

        @Override
        public Object readMessage(int fd, FrameInput in) throws IOException {
            return in.readUTF();
        }

        @Override
        public void writeReply(int fd, Object reply, FrameOutput out) throws IOException {
            out.writeUTF(tag);
            out.writeUTF((String) reply);
        }

        @Override
        public Object readReply(int fd, FrameInput in) throws IOException {
            String writer = in.readUTF();
            if (!writer.equals(tag)) {
                throw new IOException("a reply of protocol " + writer + " read by protocol " + tag);
            }
            return in.readUTF();
        }

        @Override
        public Object answer(Object question) {
            return question + "=" + tag;
        }

        @Override
        public void workerLost(int workerId) {
        }
    }

    /** Two protocols, "a" on the main port and "b" on a second TCP port. */
    static final class TwoProtocols implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            ProtocolSupport.use(s.ports().get(0), new Tagged("a"));
            ProtocolSupport.use(s.listen("127.0.0.1", 0, SockType.TCP), new Tagged("b"));
        }
    }

    /** Each port's messages, replies and questions go to its own protocol, in every mode (PROCESS: any number). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void twoProtocolsOnOneServerEachAnswerTheirOwnPort(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                TwoProtocols.class, probe)); Socket a = r.connect();
                Socket b = Running.connect(r.server.ports().get(1).port())) {
            for (int i = 0; i < 3; i++) { // two connections: with dispatch_mode 2, one on each worker
                a.getOutputStream().write(("x" + i + "\n").getBytes());
                b.getOutputStream().write(("y" + i + "\n").getBytes());
            }
            BufferedReader inA = new BufferedReader(new InputStreamReader(a.getInputStream()));
            BufferedReader inB = new BufferedReader(new InputStreamReader(b.getInputStream()));
            // each message is a coroutine that waits for its question: replies may leave in any order (a
            // protocol that promises order, as HTTP does, sequences its replies itself)
            java.util.Set<String> gotA = new java.util.HashSet<>(), gotB = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                gotA.add(inA.readLine());
                gotB.add(inB.readLine());
            }
            assertThat(gotA).containsExactlyInAnyOrder("a x0 who=a", "a x1 who=a", "a x2 who=a");
            assertThat(gotB).containsExactlyInAnyOrder("b y0 who=b", "b y1 who=b", "b y2 who=b");
        }
    }
}
