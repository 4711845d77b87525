package io.jswoole.client;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Channel;
import io.jswoole.coroutine.Completion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One stream of an {@link Http2Client}, opened by {@link Http2Client#open}: the request body goes out in pieces
 * with {@link #write} and the response comes in as it arrives: {@link #headers} (the status and head), then
 * {@link #read} piece by piece, then {@link #trailers}. Safe to use from one coroutine writing and another reading.
 * <p>Back-pressure: the stream's Netty channel reads only while less than {@value #HIGH_WATER} bytes wait for
 * {@link #read}; the bytes of a DATA frame return to the server's flow-control window only once read here, so
 * a slow reader stops the server within one window instead of buffering without bound. A stream opened by
 * {@link Http2Client#request} or {@link Http2Client#send} collects the whole response on the I/O thread instead.
 */
public final class Http2Stream {
    static final int HIGH_WATER = 256 * 1024;
    private static final byte[] END = new byte[0];

    private final Http2StreamChannel channel;
    private final boolean collect;
    private final Consumer<Http2Response> done;
    private final Completion<Http2Response> head = new Completion<>();
    private final Completion<Http2Response> whole = new Completion<>();
    private final Channel<Object> pieces = Channel.external(Integer.MAX_VALUE);
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private volatile int id;
    private volatile Http2Response failure;
    private volatile Map<String, List<String>> trailers = Map.of();
    private Map<String, List<String>> headers = Map.of();
    private int status;
    private volatile boolean ended;
    private boolean readEnd;
    private volatile int errCode;
    private volatile String errMsg = "";

    Http2Stream(Http2StreamChannel channel, boolean collect, Consumer<Http2Response> done) {
        this.channel = channel;
        this.collect = collect;
        this.done = done;
    }

    /** The handler in the stream channel's pipeline: frames and failures to this stream. */
    ChannelInboundHandlerAdapter handler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame h) {
                        onHeaders(h);
                    } else if (msg instanceof Http2DataFrame d) {
                        onData(d.content(), d.isEndStream());
                    } else if (msg instanceof Http2ResetFrame r) {
                        H2Link link = ctx.channel().parent().attr(H2Link.KEY).get();
                        if (link != null) {
                            link.resets.remove(id);
                        }
                        fail(-3, Client.ECONNRESET, (int) r.errorCode(), "stream " + id + " reset by the server: "
                                + "RST_STREAM " + name(r.errorCode()));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                if (collect || queued.get() < HIGH_WATER) {
                    ctx.read();
                } else {
                    paused.set(true);
                    if (queued.get() < HIGH_WATER && paused.compareAndSet(true, false)) {
                        ctx.read(); // the reader caught up in between
                    }
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof Http2GoAwayFrame g) {
                    H2Link link = ctx.channel().parent().attr(H2Link.KEY).get();
                    int last = g.lastStreamId() >= 0 || link == null ? g.lastStreamId() : link.goawayLastStream;
                    fail(-3, Client.ECONNRESET, (int) g.errorCode(), "stream " + id + " was not processed: the "
                            + "server sent GOAWAY (last stream " + last + ", " + name(g.errorCode())
                            + debug(g) + "); send it again: a new request opens a new connection");
                }
                ReferenceCountUtil.release(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                H2Link link = ctx.channel().parent().attr(H2Link.KEY).get();
                Long reset = link == null ? null : link.resets.remove(id);
                if (reset != null) {
                    fail(-3, Client.ECONNRESET, (int) (long) reset, "stream " + id + " reset by the server: "
                            + "RST_STREAM " + name(reset));
                    return;
                }
                String why = link == null ? null : link.closeReason();
                fail(-3, Client.ECONNRESET, -1, "stream " + id + " ended before its response did: "
                        + (why != null ? why : "the stream was closed"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(-3, Client.EIO, -1, "stream " + id + ": " + cause.getMessage());
                ctx.close();
            }
        };
    }

    private static String debug(Http2GoAwayFrame g) {
        return g.content().isReadable() ? ", '" + g.content().toString(java.nio.charset.StandardCharsets.UTF_8)
                + "'" : "";
    }

    static String name(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e == null ? "error " + code : e.name();
    }

    void started(int streamId) {
        this.id = streamId;
    }

    private void onHeaders(Http2HeadersFrame f) {
        Http2Headers h = f.headers();
        if (status == 0) {
            CharSequence s = h.status();
            int code = s == null ? -1 : parse(s);
            if (code >= 100 && code < 200) {
                return; // an informational head (100 Continue): the real one follows
            }
            if (code < 0) {
                fail(-3, Client.EIO, (int) Http2Error.PROTOCOL_ERROR.code(), "stream " + id
                        + ": the response head has no valid :status");
                channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
                return;
            }
            status = code;
            headers = map(h);
            head.complete(new Http2Response(id, status, headers, Map.of(), END, 0, -1, ""));
        } else {
            trailers = map(h);
        }
        if (f.isEndStream()) {
            end();
        }
    }

    private static int parse(CharSequence s) {
        try {
            return Integer.parseInt(s.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, List<String>> map(Http2Headers h) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        h.forEach(e -> {
            String k = e.getKey().toString();
            if (!k.startsWith(":")) {
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(e.getValue().toString());
            }
        });
        return out;
    }

    private void onData(ByteBuf content, boolean endStream) {
        if (content.isReadable()) {
            byte[] b = new byte[content.readableBytes()];
            content.readBytes(b);
            if (collect) {
                body.writeBytes(b);
            } else {
                queued.addAndGet(b.length);
                pieces.push(b, 0);
            }
        }
        if (endStream) {
            end();
        }
    }

    private void end() {
        if (ended || failure != null) {
            return;
        }
        ended = true;
        Http2Response r = new Http2Response(id, status, headers, trailers, collect ? body.toByteArray() : END, 0, -1,
                "");
        if (!collect) {
            pieces.push(END, 0);
        }
        if (whole.complete(r) && done != null) {
            done.accept(r);
        }
    }

    private void fail(int statusCode, int code, int h2Error, String msg) {
        if (ended || failure != null) {
            return;
        }
        Http2Response f = Http2Response.failed(id, statusCode, code, h2Error, msg);
        failure = f;
        head.complete(f);
        pieces.push(f, 0);
        pieces.close();
        if (whole.complete(f) && done != null) {
            done.accept(f);
        }
    }

    /** The stream id (odd, from 1). */
    public int id() {
        return id;
    }

    /**
     * Waits up to {@code timeout} seconds (negative: forever) for the response head: a response with the status
     * and headers and no data, or a failed one (status -2 on timeout, -3 on reset).
     */
    public Http2Response headers(double timeout) {
        return await(head, timeout);
    }

    /** Waits for the whole response (only for a stream that collects: {@link Http2Client#request}, {@code send}). */
    Http2Response response(double timeout) {
        return await(whole, timeout);
    }

    private Http2Response await(Completion<Http2Response> c, double timeout) {
        try {
            return c.await(timeout);
        } catch (SwooleException e) {
            boolean canceled = e.error() == ErrorCode.CO_CANCELED;
            reset(Http2Error.CANCEL.code());
            return Http2Response.failed(id, canceled ? -3 : -2, canceled ? Client.ECANCELED : Client.ETIMEDOUT, -1,
                    canceled ? "Operation canceled" : "stream " + id + " timed out after " + timeout + " s");
        } catch (CompletionException e) {
            return Http2Response.failed(id, -3, Client.EIO, -1, String.valueOf(e.getCause()));
        }
    }

    /**
     * The next piece of the body as it arrived: an empty array once the body has ended, null on failure or
     * timeout ({@link #errCode()}, {@link #errMsg()}; a timeout leaves the stream readable).
     */
    public byte[] read(double timeout) {
        if (readEnd) {
            return END;
        }
        Object o = pieces.pop(timeout);
        if (o == null) {
            if (failure != null) {
                return failed(failure);
            }
            errCode = pieces.errCode() == Channel.CHANNEL_CANCELED ? Client.ECANCELED : Client.ETIMEDOUT;
            errMsg = errCode == Client.ECANCELED ? "Operation canceled" : "no data within " + timeout + " s";
            return null;
        }
        if (o instanceof Http2Response f) {
            return failed(f);
        }
        byte[] b = (byte[]) o;
        if (b.length == 0) {
            readEnd = true;
            return b;
        }
        if (queued.addAndGet(-b.length) < HIGH_WATER && paused.compareAndSet(true, false)) {
            channel.eventLoop().execute(channel::read);
        }
        return b;
    }

    private byte[] failed(Http2Response f) {
        errCode = f.errCode();
        errMsg = f.errMsg();
        return null;
    }

    /** The trailers, once {@link #read} returned the end (empty when the server sent none). */
    public Map<String, List<String>> trailers() {
        return trailers;
    }

    /** True once the whole response arrived. */
    public boolean isEnded() {
        return ended;
    }

    /**
     * Sends {@code data} as DATA on this stream ({@code end}: the last piece, END_STREAM). Waits until Netty has
     * written it, which is when the server's flow-control window allowed it, up to {@code timeout} seconds.
     */
    public boolean write(byte[] data, boolean end, double timeout) {
        ByteBuf b = data == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data);
        Completion<Void> c = new Completion<>();
        channel.writeAndFlush(new DefaultHttp2DataFrame(b, end)).addListener(f -> {
            if (f.isSuccess()) {
                c.complete(null);
            } else {
                c.fail(f.cause());
            }
        });
        try {
            c.await(timeout);
            return true;
        } catch (SwooleException e) {
            errCode = e.error() == ErrorCode.CO_CANCELED ? Client.ECANCELED : Client.ETIMEDOUT;
            errMsg = "write on stream " + id + " did not finish within " + timeout + " s (the server's window)";
            return false;
        } catch (CompletionException e) {
            Http2Response f = failure;
            errCode = f != null ? f.errCode() : Client.EPIPE;
            errMsg = f != null ? f.errMsg() : "write on stream " + id + " failed: " + e.getCause().getMessage();
            return false;
        }
    }

    /** {@link #write(byte[], boolean, double)} with no time limit. */
    public boolean write(byte[] data, boolean end) {
        return write(data, end, -1);
    }

    /** Resets the stream with {@code h2Error} (RST_STREAM; 8 is CANCEL), unless it already ended. */
    public void reset(long h2Error) {
        if (!ended && channel.isActive()) {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(h2Error));
        }
        fail(-3, Client.ECANCELED, (int) h2Error, "stream " + id + " reset by the client: " + name(h2Error));
    }

    /** Errno style code of the last failed {@link #read} or {@link #write}; 0 otherwise. */
    public int errCode() {
        return errCode;
    }

    public String errMsg() {
        return errMsg;
    }

    Http2StreamChannel channel() {
        return channel;
    }
}
