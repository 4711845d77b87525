package io.jswoole.grpc;

import io.grpc.ServerInterceptors;
import io.grpc.testing.integration.AbstractInteropTest;
import io.grpc.testing.integration.TestServiceImpl;
import io.jswoole.http.HttpRecipe;
import io.jswoole.http.HttpServer;
import io.jswoole.server.Probe;
import io.jswoole.server.Server;
import java.util.concurrent.Executors;

/**
 * grpc-java's own interop service ({@code TestServiceImpl} with its interceptors, from grpc-interop-testing) on a
 * jswoole HttpServer with HTTP/2; rebuilt in each worker JVM in PROCESS mode.
 */
public final class InteropApp implements HttpRecipe {
    @Override
    public void build(Server server, Probe probe) {
        var service = ServerInterceptors.intercept(new TestServiceImpl(Executors.newScheduledThreadPool(2)),
                TestServiceImpl.interceptors());
        GrpcService.builder().addService(service).maxInboundMessageSize(AbstractInteropTest.MAX_MESSAGE_SIZE)
                .build().install((HttpServer) server);
    }
}
