package io.jswoole.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * After the extension decoders, before {@link WsFrameHandler}: a frame with an RSV bit that no negotiated extension
 * took (permessage-deflate's decoder clears RSV1 of what it inflates) is a protocol error, 1002 (RFC 6455 5.2).
 * With {@code websocket_compression} on, the frame decoder has to let RSV1 through for every connection, also one
 * that did not negotiate compression. Then Netty's UTF-8 check of text (1007).
 */
final class WsFrameChecks extends Utf8FrameValidator {
    WsFrameChecks() {
        super(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame f && f.rsv() != 0) {
            int rsv = f.rsv();
            ReferenceCountUtil.release(msg);
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "RSV bits " + rsv + " without an extension that defines them");
        }
        super.channelRead(ctx, msg);
    }
}
