package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.spi.PortProtocol;
import io.netty.channel.Channel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.BufferedReader;
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
}
