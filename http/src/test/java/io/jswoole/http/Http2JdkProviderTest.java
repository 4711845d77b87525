package io.jswoole.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link Http2Test} again with the JDK provider forced ({@code -Djswoole.ssl_provider=jdk}) while netty-tcnative is
 * on the class path, which Http2Test runs on BoringSSL: ALPN and the answers must not depend on the provider.
 */
class Http2JdkProviderTest extends Http2Test {
    @BeforeAll
    static void forceJdk() {
        System.setProperty("jswoole.ssl_provider", "jdk");
    }

    @AfterAll
    static void backToAuto() {
        System.clearProperty("jswoole.ssl_provider");
    }
}
