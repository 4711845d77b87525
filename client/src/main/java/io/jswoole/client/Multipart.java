package io.jswoole.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder;
import io.netty.handler.codec.http.multipart.MemoryFileUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@code multipart/form-data} body ({@link HttpClient#addFile}, {@link HttpClient#addData} and form
 * fields), encoded by Netty's {@link HttpPostRequestEncoder} into bytes and a content type with its boundary.
 */
final class Multipart {
    record Encoded(byte[] body, String contentType) {
    }

    private record Part(String name, String value, byte[] content, String mimeType, String filename) {
    }

    private final List<Part> parts = new ArrayList<>();

    void field(String name, String value) {
        parts.add(new Part(name, value, null, null, null));
    }

    void file(String name, Path path, String mimeType, String filename) {
        try {
            parts.add(new Part(name, null, Files.readAllBytes(path), mimeType,
                    filename != null ? filename : path.getFileName().toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void data(String name, byte[] content, String mimeType, String filename) {
        parts.add(new Part(name, null, content, mimeType, filename));
    }

    Encoded encode(String uri) throws IOException {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        DefaultHttpDataFactory factory = new DefaultHttpDataFactory(false);
        try {
            HttpPostRequestEncoder enc = new HttpPostRequestEncoder(factory, req, true);
            for (Part p : parts) {
                if (p.content == null) {
                    enc.addBodyAttribute(p.name, p.value);
                } else {
                    MemoryFileUpload up = new MemoryFileUpload(p.name, p.filename,
                            p.mimeType != null ? p.mimeType : "application/octet-stream", null,
                            StandardCharsets.UTF_8, p.content.length);
                    up.setContent(io.netty.buffer.Unpooled.wrappedBuffer(p.content));
                    enc.addBodyHttpData(up);
                }
            }
            HttpRequest head = enc.finalizeRequest();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (enc.isChunked()) {
                while (!enc.isEndOfInput()) {
                    HttpContent chunk = enc.readChunk(ByteBufAllocator.DEFAULT);
                    append(out, chunk.content());
                    chunk.release();
                }
            } else {
                append(out, ((FullHttpRequest) head).content());
            }
            enc.cleanFiles();
            return new Encoded(out.toByteArray(), head.headers().get(HttpHeaderNames.CONTENT_TYPE));
        } catch (HttpPostRequestEncoder.ErrorDataEncoderException e) {
            throw new IOException(e);
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            if (req.refCnt() > 0) {
                req.release();
            }
            factory.cleanAllHttpData();
        }
    }

    private static void append(ByteArrayOutputStream out, ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        out.writeBytes(b);
    }
}
