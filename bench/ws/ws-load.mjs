// A WebSocket echo load generator on npm's `ws` (the most used Node.js WebSocket library): the peer that
// `./jswoole bench -f websocket` is measured beside in BENCHMARKS.md (bench/generators.sh). Each of CONNS
// connections keeps one binary message of SIZE bytes in flight: send, wait for its echo, send again. After WARM
// seconds it counts for SECS seconds and prints one line: replies/s, and the latency percentiles (microseconds,
// from a 1 us bucket histogram; replies slower than 1 s are counted in the max only).
//   node ws-load.mjs ws://127.0.0.1:9711/ CONNS SIZE WARM SECS
import WebSocket from 'ws';

const [url, conns = '64', size = '64', warm = '3', secs = '6'] = process.argv.slice(2);
const payload = Buffer.alloc(Number(size), 'x');
const buckets = new Uint32Array(1_000_000);
let counting = false, count = 0, max = 0, mismatched = 0, closed = 0;

function open() {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let sent = 0n;
  const send = () => { sent = process.hrtime.bigint(); ws.send(payload); };
  ws.on('open', send);
  ws.on('message', (data) => {
    const us = Number((process.hrtime.bigint() - sent) / 1000n);
    if (counting) {
      count++;
      if (us > max) max = us;
      if (us < buckets.length) buckets[us]++;
      if (data.length !== payload.length) mismatched++;
    }
    send();
  });
  ws.on('close', () => closed++);
  ws.on('error', (e) => { console.error(`ws-load: ${e.message}`); });
}

function percentile(p) {
  const want = Math.ceil(count * p);
  let seen = 0;
  for (let us = 0; us < buckets.length; us++) {
    seen += buckets[us];
    if (seen >= want) return us;
  }
  return max;
}

for (let i = 0; i < Number(conns); i++) open();
setTimeout(() => {
  counting = true;
  const start = process.hrtime.bigint();
  setTimeout(() => {
    counting = false;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const rps = Math.round(count / elapsed);
    console.log(`ws-load: ${rps} req/s, ${count} replies in ${elapsed.toFixed(2)} s; latency us p50 ${percentile(0.5)}`
      + ` p90 ${percentile(0.9)} p99 ${percentile(0.99)} p99.9 ${percentile(0.999)} max ${max};`
      + ` mismatched ${mismatched}, closed ${closed}`);
    process.exit(0);
  }, Number(secs) * 1000);
}, Number(warm) * 1000);
