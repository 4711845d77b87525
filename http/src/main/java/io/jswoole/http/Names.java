package io.jswoole.http;

import io.netty.util.AsciiString;

/** The header names a {@link Response} writes itself, capitalised as Swoole writes them ({@code Content-Length}). */
final class Names {
    static final AsciiString CONNECTION = AsciiString.cached("Connection");
    static final AsciiString CONTENT_ENCODING = AsciiString.cached("Content-Encoding");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    static final AsciiString DATE = AsciiString.cached("Date");
    static final AsciiString SERVER = AsciiString.cached("Server");
    static final AsciiString SET_COOKIE = AsciiString.cached("Set-Cookie");
    static final AsciiString TRANSFER_ENCODING = AsciiString.cached("Transfer-Encoding");

    private Names() {
    }
}
