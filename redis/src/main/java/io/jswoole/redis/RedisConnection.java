package io.jswoole.redis;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Redis connection, on its event loop (the master's, in PROCESS mode): numbers each command, answers the
 * connection commands itself ({@link Builtins}) unless the application has a handler of that name, hands the
 * others to the workers as {@link Request}s, and writes the replies in request order whatever order the workers
 * finish in. It holds the connection's state: RESP version, name, {@code CLIENT REPLY} mode, whether it has
 * authenticated ({@link RedisServer#requirePass}: checked here, in request order, before a command is handed
 * on). At most {@link #MAX_IN_FLIGHT} commands wait for their replies; beyond that the connection is not read
 * until half of them have been answered, so a client that pipelines without end, or never reads, holds bounded
 * memory, and many pipelining clients stay under {@code max_coroutine} (each waiting command may be a
 * coroutine).
 */
final class RedisConnection extends ChannelDuplexHandler {
    static final int MAX_IN_FLIGHT = 64;
    /** The first size of {@link #pending}; it grows as replies need, and goes out once it holds this much. */
    private static final int PENDING_START = 512, PENDING_MAX = 64 * 1024;
    private static final AtomicLong IDS = new AtomicLong();

    /**
     * A command for a worker: the connection's id, the command's number on it and its words, the name first; and
     * the connection itself where the worker shares its JVM (null in a worker JVM), which learns its fd from it.
     */
    record Request(long connection, long seq, List<byte[]> argv, RedisConnection origin) {
    }

    /**
     * What answers command {@code seq}: the reply (null: none), whether the connection closes after it, the RESP
     * version that starts with it (0: unchanged), a {@code CLIENT REPLY} mode (null: unchanged), and the id of the
     * connection it answers (0: the one it is written to), so that a late reply never reaches the next connection
     * on the same fd.
     */
    record Response(long seq, Reply reply, boolean close, int protocol, String replyMode, long connection) {
        Response(long seq, Reply reply) {
            this(seq, reply, false, 0, null, 0);
        }

        Response(long seq, Reply reply, long connection) {
            this(seq, reply, false, 0, null, connection);
        }

        Response(long seq, Reply reply, boolean close, int protocol, String replyMode) {
            this(seq, reply, close, protocol, replyMode, 0);
        }
    }

    final RedisServer server;
    final long id = IDS.incrementAndGet();
    /** The connection's fd, once its first command has reached a worker; -1 before. */
    volatile int fd = -1;
    /** BASE mode: the event loop is the worker, so {@link RedisServer#setInlineHandler} handlers may run on it. */
    private final boolean inline;
    /**
     * The replies written since the last flush, in one buffer (one allocation, one entry in Netty's outbound
     * buffer and one iovec for all the replies of a read, instead of one each); null when there are none.
     */
    private ByteBuf pending;
    int protocol = 2;
    String name;
    /** Whether AUTH (or HELLO ... AUTH) succeeded, for {@link RedisServer#requirePass}. */
    boolean authenticated;
    private long nextSeq;
    private long nextWrite;
    private final Map<Long, Response> waiting = new HashMap<>();
    /** Commands read while {@link #MAX_IN_FLIGHT} wait for replies: handled as replies go out. */
    private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();
    private boolean paused;
    private boolean replyOff;
    private boolean skipNext;
    private boolean closing;
    private boolean wrote;
    private boolean draining;

    RedisConnection(RedisServer server) {
        this.server = server;
        this.inline = server.mode() == io.jswoole.server.Mode.BASE;
    }

    /** A command name in lower case: ASCII without a copy through UTF-8 (names are ASCII in practice). */
    static String lowerName(byte[] name) {
        byte[] lower = null;
        for (int i = 0; i < name.length; i++) {
            byte b = name[i];
            if (b < 0) {
                return new String(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            }
            if (b >= 'A' && b <= 'Z') {
                if (lower == null) {
                    lower = name.clone();
                }
                lower[i] = (byte) (b + 32);
            }
        }
        return new String(lower == null ? name : lower, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        if (!held.isEmpty() || nextSeq - nextWrite >= MAX_IN_FLIGHT) {
            // the rest of a read that brought more commands than may wait: they wait here, in order
            held.add(msg);
            updateReading(ctx);
            return;
        }
        handle(ctx, msg);
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        long seq = nextSeq++;
        updateReading(ctx);
        if (msg instanceof CommandDecoder.ProtocolError e) {
            Log.warning("redis from " + ctx.channel().remoteAddress() + ": " + e.message()
                    + "; closing the connection");
            complete(ctx, new Response(seq, Reply.error(e.message()), true, 0, null));
            return;
        }
        @SuppressWarnings("unchecked")
        List<byte[]> argv = (List<byte[]>) msg;
        if (argv.get(0).length >= RedisServer.MAX_COMMAND_NAME) {
            Log.warning("redis from " + ctx.channel().remoteAddress() + ": a command name of " + argv.get(0).length
                    + " bytes (64 or more); closing the connection");
            complete(ctx, new Response(seq, Reply.error("ERR Protocol error: command name too long"), true, 0,
                    null));
            return;
        }
        String command = lowerName(argv.get(0));
        // requirepass: AUTH and HELLO are the built-ins; before AUTH, QUIT is too and nothing else runs
        boolean locked = server.requiresPass() && !authenticated;
        boolean builtinOnly = server.requiresPass() && (command.equals("auth") || command.equals("hello"))
                || locked && command.equals("quit");
        if (locked && !builtinOnly) {
            complete(ctx, new Response(seq, Reply.error("NOAUTH Authentication required.")));
            return;
        }
        RedisServer.Registered h = builtinOnly ? null : server.registered(command);
        if (h != null) {
            int known = fd;
            if (h.inline() && inline && known >= 0 && seq == nextWrite) {
                // every earlier command is answered: running it here keeps the order a worker would run it in
                complete(ctx, new Response(seq, RedisProtocol.run(h.handler(), known, argv)));
            } else {
                ctx.fireChannelRead(new Request(id, seq, argv, this));
            }
            return;
        }
        Response builtin = Builtins.answer(this, seq, command, argv);
        complete(ctx, builtin != null ? builtin : new Response(seq, Reply.error("ERR unknown command '"
                + new String(argv.get(0), StandardCharsets.UTF_8) + "'")));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushIfWrote(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Response r) {
            complete(ctx, r);
            promise.trySuccess();
        } else {
            writePending(ctx); // a raw send(fd, ...): written at once, as in Swoole, after the replies before it
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        wrote = false;
        writePending(ctx);
        ctx.flush();
    }

    private void flushIfWrote(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            writePending(ctx);
            ctx.flush();
        }
    }

    /** Hands the replies gathered in {@link #pending} to Netty (unflushed). */
    private void writePending(ChannelHandlerContext ctx) {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            ctx.write(out, ctx.voidPromise());
        }
    }

    /** Command {@code r.seq()} is answered: writes every reply now due, in order. */
    private void complete(ChannelHandlerContext ctx, Response r) {
        if (r.seq() < nextWrite || closing || r.connection() != 0 && r.connection() != id) {
            return; // already answered (a worker that died after answering), closing, or for an earlier connection
        }
        waiting.put(r.seq(), r);
        Response next;
        while (!closing && (next = waiting.remove(nextWrite)) != null) {
            nextWrite++;
            writeNow(ctx, next);
        }
        if (!draining) { // a held built-in completes inside handle(): the outer loop goes on, no recursion
            draining = true;
            try {
                while (!closing && !held.isEmpty() && nextSeq - nextWrite < MAX_IN_FLIGHT) {
                    handle(ctx, held.poll());
                }
            } finally {
                draining = false;
            }
        }
        updateReading(ctx);
    }

    /**
     * Stops reading while {@link #MAX_IN_FLIGHT} commands wait for their replies or the replies written wait for
     * the socket (a client that does not read them); reads again once half of them are answered and the output
     * has drained below its low watermark.
     */
    private void updateReading(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return; // closed: its fd may be out of epoll already
        }
        long waitingReplies = nextSeq - nextWrite;
        boolean writable = ctx.channel().isWritable();
        if (!paused && (waitingReplies >= MAX_IN_FLIGHT || !held.isEmpty() || !writable)) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        } else if (paused && waitingReplies < MAX_IN_FLIGHT / 2 && held.isEmpty() && writable && !closing) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void writeNow(ChannelHandlerContext ctx, Response r) {
        if (r.protocol() > 0) {
            protocol = r.protocol();
        }
        boolean send = r.reply() != null;
        if (r.replyMode() != null) {
            switch (r.replyMode()) {
                case "on" -> replyOff = false;
                case "off" -> {
                    replyOff = true;
                    send = false;
                }
                default -> { // skip: this reply and the next
                    skipNext = !replyOff;
                    send = false;
                }
            }
        } else if (skipNext) {
            skipNext = false;
            send = false;
        }
        if (send && !replyOff) {
            if (pending == null) {
                pending = ctx.alloc().ioBuffer(PENDING_START);
            }
            Resp.write(r.reply(), protocol, pending);
            wrote = true;
            if (pending.readableBytes() >= PENDING_MAX) {
                writePending(ctx); // Netty's outbound buffer counts it now, for the writability check
            }
        }
        if (r.close()) {
            closing = true;
            waiting.clear();
            writePending(ctx);
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        waiting.clear();
        held.clear();
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    private void releasePending() {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            out.release();
        }
    }
}
