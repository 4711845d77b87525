package io.jswoole.http;

import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;

/**
 * How {@code io.jswoole.websocket.WebSocketServer} takes over connections that upgrade: the HTTP layer detects an
 * upgrade request, lets this handler answer it in a worker, switches the connection's pipeline when a 101 goes
 * out, and hands every later message of the connection to it. For jswoole's WebSocket module, not for
 * applications.
 */
public interface UpgradeHandler {
    /**
     * Answers an upgrade request (a GET with {@code Upgrade: websocket}) in the worker: a 101 response switches
     * the connection, anything else refuses it (the connection then closes).
     */
    void handshake(Request request, Response response);

    /**
     * A 101 response for connection {@code fd} was just written, on its event loop. Replaces the handlers named
     * {@link #DECODER}, {@link #ENCODER} and {@link #GUARD} with the upgraded protocol's (the messages of the one
     * replacing the guard reach {@link #onMessage}); the other HTTP handlers are removed afterwards.
     */
    void upgraded(ChannelPipeline pipeline, int fd);

    /** The name of the HTTP request decoder in a connection's pipeline. */
    String DECODER = "http-decoder";
    /** The name of the HTTP response encoder. */
    String ENCODER = "http-encoder";
    /** The name of the last HTTP handler, whose messages go to the server. */
    String GUARD = "http-guard";

    /** Handles a message of an upgraded connection in the worker (a coroutine of it). */
    void onMessage(int fd, Object message);

    /**
     * The server is shutting down: close the upgraded connection of {@code pipeline} the protocol's way (WebSocket:
     * a 1001 close frame). On its event loop.
     */
    void drain(ChannelPipeline pipeline);

    /** The connection {@code fd} closed (on its event loop, before the server's close event). */
    void closed(int fd);

    /** The close event of {@code fd} runs: whether it had been established (it is then forgotten). Master side. */
    boolean forget(int fd);

    /** PROCESS mode, master: writes a message of an upgraded connection for a worker JVM. */
    void writeMessage(Object message, FrameOutput out) throws IOException;

    /** PROCESS mode, worker JVM: reads what {@link #writeMessage} wrote, for {@link #onMessage}. */
    Object readMessage(int fd, FrameInput in) throws IOException;

    /** PROCESS mode, worker JVM: writes a frame pushed to an upgraded connection, for the master. */
    void writeFrame(Object frame, FrameOutput out) throws IOException;

    /** PROCESS mode, master: reads what {@link #writeFrame} wrote, to be written to the connection. */
    Object readFrame(FrameInput in) throws IOException;
}
