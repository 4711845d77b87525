// A WebSocket echo server on npm's `ws`, for cli's bench tests: listens on 127.0.0.1, a free port, prints
// "listening PORT", and sends every message back as it came (text or binary). NODE_PATH points at the `ws` that
// src/test/sh/fetch-node-ws.sh installed.
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => console.log(`listening ${wss.address().port}`));
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
