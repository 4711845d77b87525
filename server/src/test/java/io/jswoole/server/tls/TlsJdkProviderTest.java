package io.jswoole.server.tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every case of {@link TlsTest} again with the JDK provider forced ({@code -Djswoole.ssl_provider=jdk}), while
 * netty-tcnative is on the class path: SNI, mTLS, ALPN, ciphers, curves and certificate reload must behave the same
 * with both providers. The property is read at each server start, so it holds for this class's servers only.
 */
class TlsJdkProviderTest extends TlsTest {
    @BeforeAll
    static void forceJdk() {
        System.setProperty(TlsProvider.PROPERTY, "jdk");
    }

    @AfterAll
    static void backToAuto() {
        System.clearProperty(TlsProvider.PROPERTY);
    }
}
