package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.TcpEcho;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import org.junit.jupiter.api.Test;

/** --verify, the open loop of -R, warm-up and the request budget of -n, against servers built to misbehave. */
class LoadModelTest {
    private static Server tcp(io.jswoole.server.Callbacks.OnReceive onReceive) {
        Server s = new Server("127.0.0.1", 0, Mode.BASE);
        s.set(Servers.oneWorker(Map.of()));
        s.onReceive(onReceive);
        return s;
    }

    /** Flips a byte of every 1,000th reply (with -P 1 each receive is one request). */
    private static Server corruptsOneReplyInAThousand() {
        AtomicLong n = new AtomicLong();
        return tcp((srv, fd, reactor, data) -> {
            if (n.incrementAndGet() % 1000 == 0) {
                data[data.length / 2] ^= 1;
            }
            srv.send(fd, data);
        });
    }

    @Test
    void verifyCatchesTheOneReplyInAThousandThatIsWrong() throws Exception {
        try (Servers s = Servers.start(corruptsOneReplyInAThousand())) {
            Result r = Load.run("-s", s.tcp(), "-c", "1", "-n", "5000", "--verify");
            assertThat(r.total().errors).containsExactly(Map.entry(Unit.CONTENT_MISMATCH, 5L));
            assertThat(r.total().sent).isEqualTo(5000).isEqualTo(r.total().ok + r.total().failed);
            assertThat(r.total().ok).isEqualTo(4995);
        }
    }

    @Test
    void withoutVerifyTheContentIsNotChecked() throws Exception {
        try (Servers s = Servers.start(corruptsOneReplyInAThousand())) {
            Result r = Load.run("-s", s.tcp(), "-c", "1", "-n", "2000");
            assertThat(r.total().errors).isEmpty();
            assertThat(r.total().ok).isEqualTo(2000);
        }
    }

    @Test
    void requestsOfMinusNAreSplitOverTheClientsAndAllCounted() throws Exception {
        try (Servers s = Servers.start(TcpEcho.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE,
                Servers.oneWorker(Map.of()))))) {
            Result r = Load.run("-s", s.tcp(), "-c", "7", "-n", "1000", "-P", "3", "--warmup", "300ms");
            assertThat(r.total().sent).isEqualTo(1000).isEqualTo(r.total().ok);
            assertThat(r.total().latency.getTotalCount()).isEqualTo(1000);
        }
    }

    @Test
    void anOpenLoopSendsOnItsScheduleAndNoFaster() throws Exception {
        try (Servers s = Servers.start(TcpEcho.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE,
                Servers.oneWorker(Map.of()))))) {
            // a window wide enough never to hold a send back: the schedule alone decides
            Result r = Load.run("-s", s.tcp(), "-c", "4", "-R", "400", "-d", "1s", "-P", "1000");
            // 400 a second for 1 s: never more (4 clients, each sends its first at once); sends that fell behind
            // (the first connects) are caught up, so not much fewer on a busy machine either
            assertThat(r.total().sent).isBetween(300L, 404L);
            assertThat(r.total().sent).isEqualTo(r.total().ok + r.total().failed);
            assertThat(r.total().corrected.getTotalCount()).isEqualTo(r.total().ok);
        }
    }

    @Test
    void anOpenLoopAgainstAServerThatSleepsReportsTheShortfall() throws Exception {
        Server sleeps = tcp((srv, fd, reactor, data) -> {
            try {
                Thread.sleep(50); // a coroutine: other connections go on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            srv.send(fd, data);
        });
        try (Servers s = Servers.start(sleeps)) {
            // 2 connections, one request in flight each, 50 ms a reply: at most 40 a second of the 200 asked
            Load.Output o = Load.command("-s", s.tcp(), "-c", "2", "-R", "200", "-d", "1s", "-q");
            assertThat(o.code()).isZero();
            assertThat(o.out()).contains("TARGET RATE NOT REACHED").contains("of the 200 asked")
                    .contains("(corrected: from the scheduled send)").contains("uncorrected");
            Result r = Load.run("-s", s.tcp(), "-c", "2", "-R", "200", "-d", "1s");
            assertThat(r.rateReached()).isLessThan(0.5);
            assertThat(r.total().late).isPositive();
            assertThat(r.total().sent).isEqualTo(r.total().ok + r.total().failed);
            // requests waited for their turn: measured from their schedule, they took longer than from their send
            assertThat(r.total().corrected.getValueAtPercentile(90))
                    .isGreaterThan(r.total().latency.getValueAtPercentile(90));
        }
    }
}
