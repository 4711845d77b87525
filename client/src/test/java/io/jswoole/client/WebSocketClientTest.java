package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a small Netty WebSocket echo server. */
class WebSocketClientTest {
    private EventLoopGroup group;
    private Channel server;
    private int port;

    @BeforeEach
    void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"), new Echo());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (f instanceof TextWebSocketFrame t) {
                if (t.text().equals("bye")) {
                    ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(4000, "done"));
                } else {
                    ctx.writeAndFlush(new TextWebSocketFrame("echo:" + t.text()));
                }
            } else if (f instanceof BinaryWebSocketFrame b) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
            }
        }
    }

    @Test
    void pushRecvPingAndServerClose() {
        Coroutine.run(() -> {
            WebSocketClient ws = WebSocketClient.connect("ws://127.0.0.1:" + port + "/ws", Map.of(), 2);
            assertThat(ws.isConnected()).isTrue();
            assertThat(ws.statusCode()).isEqualTo(101);
            assertThat(ws.push("hi")).isTrue();
            WebSocketClient.Frame f = ws.recv(2);
            assertThat(f.opcode()).isEqualTo(WebSocketClient.OPCODE_TEXT);
            assertThat(f.text()).isEqualTo("echo:hi");
            assertThat(ws.push(new byte[] {1, 2, 3})).isTrue();
            f = ws.recv(2);
            assertThat(f.opcode()).isEqualTo(WebSocketClient.OPCODE_BINARY);
            assertThat(f.data()).containsExactly(1, 2, 3);
            assertThat(ws.ping("p".getBytes())).isTrue();
            f = ws.recv(2);
            assertThat(f.opcode()).isEqualTo(WebSocketClient.OPCODE_PONG);
            assertThat(ws.recv(0.01)).isNull();
            assertThat(ws.errCode()).isEqualTo(Client.ETIMEDOUT);
            ws.push("bye");
            f = ws.recv(2);
            assertThat(f.opcode()).isEqualTo(WebSocketClient.OPCODE_CLOSE);
            assertThat(f.code()).isEqualTo(4000);
            assertThat(f.reason()).isEqualTo("done");
            ws.close();
            assertThat(ws.isConnected()).isFalse();
        });
    }

    @Test
    void upgradeFromHttpClientAndRefusedPath() {
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                assertThat(c.upgrade("/ws")).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(101);
                assertThat(c.push("up")).isTrue();
                assertThat(c.recv(2).text()).isEqualTo("echo:up");
            }
            WebSocketClient bad = WebSocketClient.connect("ws://127.0.0.1:" + port + "/nope", Map.of(), 2);
            assertThat(bad.isConnected()).isFalse();
            assertThat(bad.statusCode()).isNotEqualTo(101);
        });
    }
}
