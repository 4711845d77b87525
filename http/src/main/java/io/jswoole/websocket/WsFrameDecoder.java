package io.jswoole.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Netty's frame decoder with the close-frame checks of RFC 6455 exactly (Netty's accept codes of 5000 and up, and
 * read the code as a signed short, so 32768-65535 passed too): a close payload is empty, or a code an endpoint may
 * send ({@link #validCloseCode}) and a UTF-8 reason. A 1-byte payload or another code is a protocol error (1002), a
 * reason that is not UTF-8 is 1007. The exception reaches {@link WsFrameHandler}, which answers with that code;
 * after a close frame the decoder reads nothing more.
 */
final class WsFrameDecoder extends WebSocket13FrameDecoder {
    WsFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    /**
     * Whether a close frame may carry {@code code} (RFC 6455 7.4): 1000-1003, 1007-1014 (1012-1014 are registered
     * with IANA), and 3000-4999 for libraries, frameworks and applications. 1004, 1005, 1006 and 1015 are reserved
     * (1005 and 1006 only ever describe a close locally), 1016-2999 are unassigned, below 1000 and from 5000 up
     * are out of range.
     */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
        if (body == null || !body.isReadable()) {
            return;
        }
        if (body.readableBytes() == 1) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "a close frame with a 1-byte payload");
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!validCloseCode(code)) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "a close frame with code " + code + ", which may not be sent (RFC 6455 section 7.4)");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2));
        } catch (CharacterCodingException e) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                    "a close frame whose reason is not UTF-8");
        }
    }
}
