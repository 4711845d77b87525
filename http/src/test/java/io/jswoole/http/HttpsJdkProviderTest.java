package io.jswoole.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link HttpsTest} again with the JDK provider forced ({@code -Djswoole.ssl_provider=jdk}) while netty-tcnative is
 * on the class path, which HttpsTest runs on BoringSSL: ALPN and the answers must not depend on the provider.
 */
class HttpsJdkProviderTest extends HttpsTest {
    @BeforeAll
    static void forceJdk() {
        System.setProperty("jswoole.ssl_provider", "jdk");
    }

    @AfterAll
    static void backToAuto() {
        System.clearProperty("jswoole.ssl_provider");
    }
}
