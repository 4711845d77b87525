package io.jswoole.coroutine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A resolver for the core tests (JEP 418's SPI): names ending in {@code .hang.test} hang for 10 s, deaf to
 * interrupts, as a resolver stuck on an unreachable DNS server does; {@code both.test} has one IPv4 and one IPv6
 * address; every other name goes to the JDK's own resolver.
 */
public final class HangingResolver extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.endsWith(".hang.test")) {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < end) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            // deaf to interrupts, like a native getaddrinfo
                        }
                    }
                    throw new UnknownHostException(host);
                }
                if (host.equals("both.test")) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {10, 1, 2, 3}),
                            InetAddress.getByAddress(host, new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0,
                                0, 0, 0, 0, 0, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "jswoole-test-hanging-resolver";
    }
}
