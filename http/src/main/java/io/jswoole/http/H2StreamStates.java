package io.jswoole.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.logging.LogLevel;
import io.netty.util.internal.PlatformDependent;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The three stream-state rules of RFC 9113 5.1 that Netty's decoder answers with a milder error than the RFC asks
 * (h2spec 5.1 #6, 5.1 #12, 5.1.1 #2): HEADERS on a half-closed (remote) stream is a stream error STREAM_CLOSED (Netty:
 * PROTOCOL_ERROR), on a stream that closed normally a connection error STREAM_CLOSED, and on a lower stream id
 * that was never opened a connection error PROTOCOL_ERROR (Netty cannot tell the last two from a stream it reset,
 * so it resets them). Netty has no hook before its own checks but its frame logger, which sees each inbound HEADERS
 * first: the checks run there (the logger logs nothing itself; frames are logged at TRACE as Netty's would be).
 * <p>Closed streams are remembered, the last {@link #REMEMBERED} of them, with whether they were reset; for older
 * ids Netty's answer stands.
 */
final class H2StreamStates extends Http2FrameLogger {
    static final int REMEMBERED = 1024;
    private Http2Connection connection;
    /** Recently closed client streams: true when one side reset it. */
    private final Map<Integer, Boolean> closed = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            if (size() > REMEMBERED) {
                floor = Math.max(floor, eldest.getKey());
                return true;
            }
            return false;
        }
    };
    /** Ids at or below this were forgotten. */
    private int floor;
    /** Streams the client reset whose close has not been seen yet. */
    private final Set<Integer> resetByPeer = new HashSet<>();

    H2StreamStates() {
        super(LogLevel.TRACE, "io.jswoole.http.h2frames");
    }

    void connection(Http2Connection c) {
        connection = c;
    }

    /** The client sent RST_STREAM on {@code id} (before Netty closes the stream). */
    void peerReset(int id) {
        resetByPeer.add(id);
    }

    void closed(Http2Stream s) {
        if (s.id() % 2 == 1) {
            closed.put(s.id(), s.isResetSent() | resetByPeer.remove(s.id()));
        }
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int padding, boolean endStream) {
        check(direction, streamId);
        super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        check(direction, streamId);
        super.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    private void check(Direction direction, int id) {
        if (direction != Direction.INBOUND || connection == null || id % 2 == 0 || connection.goAwaySent()) {
            return;
        }
        Http2Stream s = connection.stream(id);
        if (s != null) {
            if (s.state() == Http2Stream.State.HALF_CLOSED_REMOTE && !s.isResetSent()) {
                PlatformDependent.throwException(Http2Exception.streamError(id, Http2Error.STREAM_CLOSED,
                        "HEADERS on half-closed (remote) stream %d", id));
            }
            return;
        }
        Boolean reset = closed.get(id);
        if (reset != null) {
            if (!reset) {
                PlatformDependent.throwException(Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                        "HEADERS on closed stream %d", id));
            }
            return;
        }
        int last = connection.remote().lastStreamCreated();
        if (id > floor && id < last) {
            PlatformDependent.throwException(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "stream %d opened after stream %d", id, last));
        }
    }
}
