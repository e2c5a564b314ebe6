#!/usr/bin/env node
// The Linux kernel as the oracle for legal TCP (docs/oracle.md).
//
// Plays scripted conversations through real sockets on loopback, one port per scenario, each
// captured by dumpcap into test/oracle/fixtures/<name>.pcapng, with the `ss -tan` states of both
// ends at key moments in <name>.json beside it. Needs root (or capture rights), dumpcap, ss and
// python3; the test that reads the fixtures (test/oracle/oracle.test.ts) needs none of them.
//
//   npm run oracle [-- name...]        (node scripts/oracle/run.mjs [name...])
//
// Then it imports and checks every fixture played (scripts/oracle-report.ts) and exits non-zero
// when a result differs from test/oracle/pending.json.
//
// Sockets: Node's `net` and `http` where they can do the job; the rest (SO_RCVBUF, TCP_KEEPINTVL,
// TFO, SO_LINGER) through scripts/oracle/actor.py, which holds sockets by name and answers one
// JSON command per line.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUT = path.join(ROOT, 'test/oracle/fixtures');
const ACTOR = path.join(HERE, 'actor.py');
/** Bytes kept of each packet: headers and the first bytes of payload (HTTP start lines); the
 * TLS scenarios keep whole packets, since the importer reads TLS records as a stream. */
const SNAPLEN = 160;
const BASE_PORT = 47100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => (performance.timeOrigin + performance.now()) / 1000;

// ---------------------------------------------------------------------------------------------
// Sockets through python

class Actor {
  constructor(label) {
    this.label = label;
    this.proc = spawn('python3', [ACTOR], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line));
    });
  }
  /** Sends one command; resolves with the reply. `mayFail` keeps a failed call from throwing. */
  call(cmd, mayFail = false) {
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => {
        if (!reply.ok && !mayFail) reject(new Error(`${this.label}: ${cmd.op} failed: ${reply.error}`));
        else resolve(reply);
      });
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }
  async stop() {
    this.proc.stdin.end();
    if (this.proc.exitCode === null) await once(this.proc, 'exit');
  }
}

// ---------------------------------------------------------------------------------------------
// ss

const SS_STATES = new Set(['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'LISTEN', 'UNCONN']);

/** Every TCP socket with `port` on either end, as ss prints it. */
function ssSockets(port) {
  const text = execFileSync('ss', ['-tanH'], { encoding: 'utf8' });
  const out = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !SS_STATES.has(f[0])) continue;
    const [state, , , local, peer] = f;
    const lp = Number(local.slice(local.lastIndexOf(':') + 1));
    const pp = Number(peer.slice(peer.lastIndexOf(':') + 1));
    if (lp !== port && pp !== port) continue;
    out.push({ state, local, peer });
  }
  return out;
}

const key = (s) => `${s.local} ${s.peer}`;

// ---------------------------------------------------------------------------------------------
// Capture

async function startCapture(port, file, snaplen = SNAPLEN) {
  fs.rmSync(file, { force: true });
  const proc = spawn('dumpcap', ['-i', 'lo', '-f', `tcp port ${port}`, '-s', String(snaplen), '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      err += d;
      if (/Capturing on/.test(err)) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`dumpcap exited with ${code}: ${err.trim()}`)));
  });
  // dumpcap says "Capturing on" once the filter is attached; a short pause more for safety.
  await sleep(300);
  return proc;
}

async function stopCapture(proc) {
  await sleep(300);
  proc.kill('SIGINT');
  if (proc.exitCode === null) await once(proc, 'exit');
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each gets a context: its port, `actor(label)`, `snap(label, note)` (ss now), and
// `track(localPortOrAddress)` is implicit: every socket on the port that did not exist before the
// scenario began is recorded.

const http11Server = (port, handler) =>
  new Promise((resolve) => {
    const srv = http.createServer(handler);
    srv.keepAliveTimeout = 60_000;
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });

// The port of a scenario is BASE_PORT + its index here: a new scenario goes at the end.
const SCENARIOS = [
  {
    name: 'http11-keepalive',
    title: 'HTTP/1.1 keep-alive: two requests on one connection, then the client closes',
    async run(t) {
      const srv = await http11Server(t.port, (req, res) => res.end('x'.repeat(300)));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (const p of ['/one', '/two']) {
        await new Promise((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: t.port, path: p, agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          }).on('error', reject);
        });
      }
      await sleep(250);
      await t.snap('after both responses', 'the connection is idle and open');
      agent.destroy();
      await sleep(250);
      await t.snap('end', 'the client closed first; Node answers the FIN with its own');
      srv.close();
    },
  },
  {
    name: 'http10',
    title: 'HTTP/1.0: a connection per request; the server closes after each response',
    async run(t) {
      const srv = await http11Server(t.port, (req, res) => res.end('y'.repeat(200)));
      for (const p of ['/a', '/b']) {
        const c = net.connect(t.port, '127.0.0.1');
        await once(c, 'connect');
        c.write(`GET ${p} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
        c.resume();
        await once(c, 'end');
        await once(c, 'close');
      }
      await sleep(250);
      await t.snap('end', 'each server end closed first, so it is the one in TIME-WAIT');
      srv.close();
    },
  },
  {
    name: 'half-close',
    title: 'Half close: the client sends a request and shuts down its sending side, then keeps reading the answer',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'request: please send 20000 bytes\n' });
      await c.call({ op: 'shutdown', name: 'c', how: 'wr' });
      await s.call({ op: 'recvall', name: 'a' });
      await sleep(200);
      await t.snap('after the client shut down writing', 'client FIN-WAIT-2, server CLOSE-WAIT');
      await s.call({ op: 'send', name: 'a', size: 20000 });
      const r = c.call({ op: 'recvall', name: 'c' });
      await sleep(200);
      await t.snap('after the server answered in CLOSE-WAIT', 'still half closed');
      await s.call({ op: 'close', name: 'a' });
      await r;
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT, server gone');
    },
  },
  {
    name: 'linger0-abort',
    title: 'SO_LINGER {on, 0}: the client closes with a RST instead of a FIN',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'hello\n' });
      await s.call({ op: 'recv', name: 'a', size: 6 });
      await s.call({ op: 'send', name: 'a', text: 'hi\n' });
      await c.call({ op: 'recv', name: 'c', size: 3 });
      await sleep(200);
      await t.snap('before the abort', 'both ESTAB');
      await c.call({ op: 'linger0', name: 'c' });
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'no socket left: the RST closed both');
      await s.call({ op: 'close', name: 'a' });
    },
  },
  {
    name: 'close-unread-rst',
    title: 'Close with unread data: the server closes without reading the request, the kernel sends RST (RFC 2525 §2.17)',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', size: 1000 });
      await sleep(200);
      await t.snap('with 1000 bytes unread at the server', 'both ESTAB');
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'the RST closed both ends');
      await c.call({ op: 'close', name: 'c' });
    },
  },
  {
    name: 'refused',
    title: 'Refused connect: nothing listens on the port, the kernel answers the SYN with RST,ACK',
    async run(t) {
      const c = t.actor('client');
      const r = await c.call({ op: 'connect', name: 'c', port: t.port }, true);
      if (r.ok || !/ConnectionRefused/.test(r.error)) throw new Error(`refused: expected ECONNREFUSED, got ${JSON.stringify(r)}`);
      await sleep(200);
      await t.snap('end', 'no socket');
      await c.call({ op: 'close', name: 'c' });
    },
  },
  {
    name: 'zero-window',
    title: 'Zero window: a server with a small SO_RCVBUF stops reading; the client probes the closed window, then the server reads everything',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port, rcvbuf: 4096 });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      const sent = c.call({ op: 'send', name: 'c', size: 40000 });
      await sleep(3500);
      await t.snap('while the server does not read', 'both ESTAB, the window closed, probes every RTO (backing off)');
      await s.call({ op: 'recv', name: 'a', size: 40000 });
      await sent;
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'keepalive',
    title: 'Keep-alive probes: TCP_KEEPIDLE 1 s, TCP_KEEPINTVL 1 s; three probes over an idle connection, each answered',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port, keepalive: { idle: 1, intvl: 1, cnt: 5 } });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'ping\n' });
      await s.call({ op: 'recv', name: 'a', size: 5 });
      await sleep(3500);
      await t.snap('after three keep-alive probes', 'both ESTAB');
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'bulk',
    title: 'Bulk transfer: 4 MiB from client to server over loopback, then a short answer and the close',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      const got = s.call({ op: 'recv', name: 'a', size: 4 << 20 });
      await c.call({ op: 'send', name: 'c', size: 4 << 20 });
      await got;
      await s.call({ op: 'send', name: 'a', text: 'done\n' });
      await c.call({ op: 'recv', name: 'c', size: 5 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'server-first-close',
    title: 'Server-first close: the server sends a greeting and closes; the client reads to the end and closes',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await s.call({ op: 'send', name: 'a', text: '220 hello, and goodbye\n' });
      await s.call({ op: 'close', name: 'a' });
      await c.call({ op: 'recvall', name: 'c' });
      await sleep(200);
      await t.snap('after the server closed', 'server FIN-WAIT-2, client CLOSE-WAIT');
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'server TIME-WAIT');
    },
  },
  {
    name: 'simultaneous-close',
    title: 'Simultaneous close: both ends call shutdown(SHUT_WR) at the same instant, from two processes; both FINs cross',
    // The race is real: played again (at most 20 times) until both FINs crossed, i.e. both ends
    // reached TIME-WAIT.
    attempts: 20,
    until: (snaps) => snaps[snaps.length - 1].sockets.filter((s) => s.state === 'TIME-WAIT').length === 2,
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'bye?\n' });
      await s.call({ op: 'recv', name: 'a', size: 5 });
      await sleep(200);
      const at = now() + 0.3;
      await Promise.all([c.call({ op: 'shutdown', name: 'c', how: 'wr', at }), s.call({ op: 'shutdown', name: 'a', how: 'wr', at })]);
      await sleep(300);
      await t.snap('after both FINs', 'whatever the race gave: both TIME-WAIT after a true crossing');
      await Promise.all([c.call({ op: 'close', name: 'c' }), s.call({ op: 'close', name: 'a' })]);
      await sleep(200);
      await t.snap('end', 'the same states: the sockets are closed by the application too');
    },
  },
  {
    name: 'write-after-peer-close',
    title: 'Data to a closed socket: the client closes, the server writes anyway; the orphaned client answers with RST',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await sleep(200);
      await t.snap('after the client closed', 'client FIN-WAIT-2 (orphaned), server CLOSE-WAIT');
      await s.call({ op: 'send', name: 'a', text: 'late news\n' });
      await sleep(200);
      await t.snap('end', 'the RST closed both ends');
      await s.call({ op: 'close', name: 'a' });
    },
  },
  {
    name: 'full-backlog',
    title: 'Full accept queue: listen(0) and no accept; the second client\'s SYN is dropped until the first is accepted',
    async run(t) {
      const s = t.actor('server');
      const c1 = t.actor('client1');
      const c2 = t.actor('client2');
      await s.call({ op: 'listen', name: 'l', port: t.port, backlog: 0 });
      await c1.call({ op: 'connect', name: 'c', port: t.port });
      await sleep(100);
      const second = c2.call({ op: 'connect', name: 'c', port: t.port });
      await sleep(1500);
      await t.snap('with the accept queue full', 'client 1 ESTAB (not accepted), client 2 SYN-SENT after a retransmitted SYN');
      await s.call({ op: 'accept', name: 'a1', listener: 'l' });
      await second;
      await s.call({ op: 'accept', name: 'a2', listener: 'l' });
      for (const [c, a] of [[c1, 'a1'], [c2, 'a2']]) {
        await c.call({ op: 'send', name: 'c', text: 'in at last\n' });
        await s.call({ op: 'recv', name: a, size: 11 });
        await c.call({ op: 'close', name: 'c' });
        await s.call({ op: 'recvall', name: a });
        await s.call({ op: 'close', name: a });
      }
      await sleep(200);
      await t.snap('end', 'both clients TIME-WAIT');
    },
  },
  {
    name: 'abort-close-wait',
    title: 'Abort in CLOSE-WAIT: the client closes, the server sets SO_LINGER {on, 0} and closes: RST instead of FIN',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'last words\n' });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await sleep(200);
      await t.snap('after the client closed', 'client FIN-WAIT-2, server CLOSE-WAIT');
      await s.call({ op: 'linger0', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'the RST closed both ends');
    },
  },
  {
    name: 'close-wait-unread-rst',
    title: 'Close in CLOSE-WAIT with unread data: the client sends a request and closes; the server closes without reading: RST, not FIN',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', size: 500 });
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('after the client closed', 'client FIN-WAIT-2, server CLOSE-WAIT with 500 bytes unread');
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'the RST closed both ends');
    },
  },
  {
    name: 'listener-close-rst',
    title: 'A listener closed with a connection still in its accept queue: the kernel resets that connection',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await c.call({ op: 'send', name: 'c', text: 'anyone there?\n' });
      await sleep(200);
      await t.snap('queued, never accepted', 'both ESTAB: the handshake completed in the kernel');
      await s.call({ op: 'close', name: 'l' });
      await sleep(200);
      await t.snap('end', 'the RST closed the client');
      await c.call({ op: 'close', name: 'c' });
    },
  },
  {
    name: 'time-wait-reuse',
    title: 'SYN to TIME-WAIT: the server closed first and sits in TIME-WAIT; a new client from the same port is accepted (newer timestamps, RFC 6191)',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      let acc = s.call({ op: 'accept', name: 'a1', listener: 'l' });
      const first = await c.call({ op: 'connect', name: 'c1', port: t.port });
      await acc;
      await s.call({ op: 'send', name: 'a1', text: 'bye\n' });
      await s.call({ op: 'close', name: 'a1' });
      await c.call({ op: 'recvall', name: 'c1' });
      await c.call({ op: 'close', name: 'c1' });
      await sleep(300);
      await t.snap('server in TIME-WAIT', 'server TIME-WAIT, the client port is free again');
      const localPort = Number(first.local.slice(first.local.lastIndexOf(':') + 1));
      acc = s.call({ op: 'accept', name: 'a2', listener: 'l' });
      await c.call({ op: 'connect', name: 'c2', port: t.port, bind: localPort });
      await acc;
      await c.call({ op: 'send', name: 'c2', text: 'again\n' });
      await s.call({ op: 'recv', name: 'a2', size: 6 });
      await c.call({ op: 'close', name: 'c2' });
      await s.call({ op: 'recvall', name: 'a2' });
      await s.call({ op: 'close', name: 'a2' });
      await sleep(200);
      await t.snap('end', 'the new connection closed by the client: client TIME-WAIT');
    },
  },
  {
    name: 'urgent',
    title: 'Urgent data: MSG_OOB sends one byte with URG and the urgent pointer (RFC 9293 §3.8.5)',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'abc' });
      await s.call({ op: 'recv', name: 'a', size: 3 });
      await c.call({ op: 'send', name: 'c', text: '!', oob: true });
      await sleep(200);
      await c.call({ op: 'send', name: 'c', text: 'def' });
      await s.call({ op: 'recv', name: 'a', size: 3 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'duplex',
    title: 'Both ends send 100 kB at the same instant, then read what the other sent',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      const at = now() + 0.2;
      await Promise.all([c.call({ op: 'send', name: 'c', size: 100_000, at }), s.call({ op: 'send', name: 'a', size: 100_000, at })]);
      await Promise.all([c.call({ op: 'recv', name: 'c', size: 100_000 }), s.call({ op: 'recv', name: 'a', size: 100_000 })]);
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'small-writes',
    title: 'Twenty small writes in a row (Nagle on), answered once; the kernel coalesces what waits for an ACK',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'tick\n', times: 20 });
      await s.call({ op: 'recv', name: 'a', size: 100 });
      await s.call({ op: 'send', name: 'a', text: 'tock\n' });
      await c.call({ op: 'recv', name: 'c', size: 5 });
      await s.call({ op: 'close', name: 'a' });
      await c.call({ op: 'recvall', name: 'c' });
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'server TIME-WAIT');
    },
  },
  {
    name: 'ipv6',
    title: 'A request and an answer over ::1',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port, v6: true });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port, v6: true });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n' });
      await s.call({ op: 'recv', name: 'a', size: 29 });
      await s.call({ op: 'send', name: 'a', text: 'HTTP/1.1 204 No Content\r\n\r\n' });
      await c.call({ op: 'recv', name: 'c', size: 27 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'fin-with-data',
    title: 'FIN on the last data segment: the client corks (TCP_CORK), writes its request and shuts down; one segment carries both',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'cork', name: 'c', on: true });
      await c.call({ op: 'send', name: 'c', text: 'QUIT\r\n' });
      await c.call({ op: 'shutdown', name: 'c', how: 'wr' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'send', name: 'a', text: '221 bye\r\n' });
      await s.call({ op: 'close', name: 'a' });
      await c.call({ op: 'recvall', name: 'c' });
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'simultaneous-open',
    title: 'Simultaneous open (RFC 9293 §3.5, Figure 7): two sockets bound to two ports connect to each other at the same instant',
    // The race is real: a SYN that arrives before the other side's connect meets no socket and
    // is refused. Played again (at most 30 times) until both connects succeed.
    attempts: 30,
    until: (snaps) => snaps.length > 0 && snaps[0].sockets.filter((s) => s.state === 'ESTAB').length === 2,
    async run(t) {
      const a = t.actor('a');
      const b = t.actor('b');
      const other = t.port + 100;
      const at = now() + 0.3;
      const [ra, rb] = await Promise.all([
        a.call({ op: 'connect', name: 'x', port: other, bind: t.port, at }, true),
        b.call({ op: 'connect', name: 'x', port: t.port, bind: other, at }, true),
      ]);
      await sleep(200);
      await t.snap('after both connects', 'both ESTAB when the SYNs crossed');
      if (ra.ok && rb.ok) {
        await a.call({ op: 'send', name: 'x', text: 'hello from a\n' });
        await b.call({ op: 'recv', name: 'x', size: 13 });
        await a.call({ op: 'close', name: 'x' });
        await b.call({ op: 'recvall', name: 'x' });
        await b.call({ op: 'close', name: 'x' });
      }
      await sleep(200);
      await t.snap('end', 'the first to close in TIME-WAIT');
    },
  },
  {
    name: 'self-connect',
    title: 'A socket connected to itself: bound to a port and connected to the same address, it opens simultaneously with itself',
    async run(t) {
      const a = t.actor('a');
      await a.call({ op: 'connect', name: 'x', port: t.port, bind: t.port });
      await a.call({ op: 'send', name: 'x', text: 'echo\n' });
      await a.call({ op: 'recv', name: 'x', size: 5 });
      await sleep(200);
      await t.snap('connected to itself', 'one socket, ESTAB');
      await a.call({ op: 'close', name: 'x' });
      await sleep(200);
      await t.snap('end', 'its own FIN crossed itself: TIME-WAIT');
    },
  },
  // Losses: an nftables rule in a table of its own (input hook, so the capture still sees the
  // packet the rule then drops, as a capture at the sender would), for our port only.
  {
    name: 'lost-synack',
    title: 'Lost SYN,ACK: the server\'s SYN,ACK is dropped for 300 ms; both ends retransmit after 1 s',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      t.nft(`tcp sport ${t.port} tcp flags & (syn | ack) == syn | ack drop`);
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      const conn = c.call({ op: 'connect', name: 'c', port: t.port });
      await sleep(300);
      t.nftClear();
      await sleep(200);
      await t.snap('after the lost SYN,ACK', 'client SYN-SENT, server SYN-RECV');
      await conn;
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'late hello\n' });
      await s.call({ op: 'recv', name: 'a', size: 11 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'lost-data-rto',
    title: 'Lost data: the client\'s only request segment is dropped; it is sent again when the retransmission timer fires',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      t.nft(`tcp dport ${t.port} ip length > 60 drop`);
      await c.call({ op: 'send', name: 'c', text: 'GET /again HTTP/1.1\r\n\r\n' });
      await sleep(60);
      t.nftClear();
      await s.call({ op: 'recv', name: 'a', size: 23 });
      await s.call({ op: 'send', name: 'a', text: 'HTTP/1.1 204 No Content\r\n\r\n' });
      await c.call({ op: 'recv', name: 'c', size: 27 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'lost-burst',
    title: 'Losses in a burst: 200 kB in 1,400-byte segments (TCP_MAXSEG) with one data segment in twelve dropped; SACK recovery',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port, maxseg: 1400 });
      await acc;
      t.nft(`tcp dport ${t.port} ip length > 100 numgen inc mod 12 == 7 drop`);
      const got = s.call({ op: 'recv', name: 'a', size: 200_000 });
      await c.call({ op: 'send', name: 'c', size: 200_000 });
      await got;
      t.nftClear();
      await s.call({ op: 'send', name: 'a', text: 'done\n' });
      await c.call({ op: 'recv', name: 'c', size: 5 });
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'lost-fin',
    title: 'Lost FIN: the client\'s FIN is dropped once; it is retransmitted, and the close completes',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      t.nft(`tcp dport ${t.port} tcp flags & fin == fin drop`);
      await c.call({ op: 'shutdown', name: 'c', how: 'wr' });
      await sleep(100);
      await t.snap('while the FIN is lost', 'client FIN-WAIT-1, server ESTAB');
      t.nftClear();
      await s.call({ op: 'recvall', name: 'a' });
      await sleep(100);
      await s.call({ op: 'close', name: 'a' });
      await c.call({ op: 'recvall', name: 'c' });
      await c.call({ op: 'close', name: 'c' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'lost-last-ack',
    title: 'Lost last ACK: the client\'s ACK of the server\'s FIN is dropped; the server in LAST-ACK sends its FIN again and the client in TIME-WAIT answers it',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await sleep(100);
      t.nft(`tcp dport ${t.port} tcp flags == ack ip length < 60 drop`);
      await s.call({ op: 'close', name: 'a' });
      await sleep(100);
      await t.snap('while the last ACK is lost', 'server LAST-ACK, client TIME-WAIT');
      t.nftClear();
      await sleep(600);
      await t.snap('end', 'client TIME-WAIT, the server gone after the second ACK');
    },
  },
  {
    name: 'rfc5961-challenge',
    title: 'Forged RST and SYN (RFC 5961): a third party sends, in the client\'s name, an in-window RST, an in-window SYN, then a RST at exactly RCV.NXT; the client writes to the half-open connection',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      const x = t.actor('attacker');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      const conn = await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      const cport = Number(conn.local.slice(conn.local.lastIndexOf(':') + 1));
      await c.call({ op: 'send', name: 'c', text: 'hi\n' });
      await s.call({ op: 'recv', name: 'a', size: 3 });
      await s.call({ op: 'send', name: 'a', text: 'hello\n' });
      await c.call({ op: 'recv', name: 'c', size: 6 });
      await sleep(100);
      const { rcvNxt, sndNxt } = await s.call({ op: 'seqs', name: 'a' });
      // Linux limits challenge ACKs and out-of-window answers per socket (tcp_invalid_ratelimit,
      // 500 ms): the forged segments are 600 ms apart.
      await x.call({ op: 'inject', src: cport, dst: t.port, seq: rcvNxt + 1000, flags: 'RST' });
      await sleep(600);
      await x.call({ op: 'inject', src: cport, dst: t.port, seq: rcvNxt + 2000, flags: 'SYN' });
      await sleep(600);
      await t.snap('after the in-window RST and SYN', 'both ESTAB: each forged segment got a challenge ACK');
      await x.call({ op: 'inject', src: cport, dst: t.port, seq: rcvNxt, ack: sndNxt, flags: 'RST,ACK' });
      await sleep(200);
      await t.snap('after the RST at RCV.NXT', 'the server is gone, the client still ESTAB (half open)');
      await c.call({ op: 'send', name: 'c', text: 'still there?\n' });
      await sleep(200);
      await t.snap('end', 'the server answered the data with RST: both gone');
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'close', name: 'a' });
    },
  },
  {
    name: 'zero-window-close',
    title: 'Close behind a closed window: the client writes 40 kB to a server that does not read, and closes; its FIN waits behind the data while it probes',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port, rcvbuf: 4096 });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await c.call({ op: 'send', name: 'c', size: 40000 });
      await c.call({ op: 'close', name: 'c' });
      await sleep(2000);
      await t.snap('while the window is shut', 'client FIN-WAIT-1 with data and FIN queued, server ESTAB', {
        unseen: 'the client called close() with 36 kB still queued: FIN-WAIT-1 at once (RFC 9293 §3.10.4), but no FIN on the wire until the window opens, so a capture cannot show it',
      });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  },
  {
    name: 'keepalive-dead-peer',
    title: 'Keep-alive gives up: the server\'s answers are dropped; after three unanswered probes the client resets the connection',
    needs: 'nft',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port, keepalive: { idle: 1, intvl: 1, cnt: 3 } });
      await acc;
      await c.call({ op: 'send', name: 'c', text: 'ping\n' });
      await s.call({ op: 'recv', name: 'a', size: 5 });
      await sleep(100);
      t.nft(`tcp sport ${t.port} drop`);
      await sleep(2500);
      await t.snap('two probes unanswered', 'both ESTAB');
      await sleep(2500);
      t.nftClear();
      await sleep(200);
      await t.snap('end', 'the client gave up with RST: both gone');
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'close', name: 'a' });
    },
  },
  ...['1.3', '1.2'].map((version) => ({
    name: `tls${version.replace('.', '')}`,
    title: `TLS ${version} (OpenSSL through Python's ssl): handshake, one request and answer, close_notify both ways, then the TCP close`,
    needs: 'tls',
    snaplen: 65535,
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      await s.call({ op: 'listen', name: 'l', port: t.port });
      const acc = s.call({ op: 'accept', name: 'a', listener: 'l' });
      await c.call({ op: 'connect', name: 'c', port: t.port });
      await acc;
      await Promise.all([
        s.call({ op: 'tls', name: 'a', role: 'server', version, cert: TLS_FILES.cert, key: TLS_FILES.key }),
        c.call({ op: 'tls', name: 'c', role: 'client', version }),
      ]);
      await c.call({ op: 'send', name: 'c', text: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' });
      await s.call({ op: 'recv', name: 'a', size: 35 });
      await s.call({ op: 'send', name: 'a', text: 'HTTP/1.1 204 No Content\r\n\r\n' });
      await c.call({ op: 'recv', name: 'c', size: 27 });
      await Promise.all([c.call({ op: 'unwrap', name: 'c' }), s.call({ op: 'unwrap', name: 'a' })]);
      await c.call({ op: 'close', name: 'c' });
      await s.call({ op: 'recvall', name: 'a' });
      await s.call({ op: 'close', name: 'a' });
      await sleep(200);
      await t.snap('end', 'client TIME-WAIT');
    },
  })),
  {
    name: 'tfo-rejected',
    title: 'Data on a SYN not taken: the client holds a TFO cookie, the new listener has no TFO; the SYN-ACK acknowledges the SYN only and the client sends the data again',
    needs: 'tfo',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      flushTfoCookies();
      await s.call({ op: 'listen', name: 'l', port: t.port, fastopen: 16 });
      for (const n of [1, 2]) {
        if (n === 2) {
          await s.call({ op: 'close', name: 'l' });
          await s.call({ op: 'listen', name: 'l', port: t.port });
        }
        const acc = s.call({ op: 'accept', name: `a${n}`, listener: 'l' });
        await c.call({ op: 'connect', name: `c${n}`, port: t.port, fastopen: true, data: `GET /${n} HTTP/1.1\r\n\r\n` });
        await acc;
        await s.call({ op: 'recv', name: `a${n}`, size: 19 });
        await s.call({ op: 'send', name: `a${n}`, text: 'HTTP/1.1 204 No Content\r\n\r\n' });
        await c.call({ op: 'recv', name: `c${n}`, size: 27 });
        await c.call({ op: 'close', name: `c${n}` });
        await s.call({ op: 'recvall', name: `a${n}` });
        await s.call({ op: 'close', name: `a${n}` });
        await sleep(100);
      }
      await sleep(200);
      await t.snap('end', 'both clients TIME-WAIT');
    },
  },
  {
    name: 'tfo',
    title: 'TCP Fast Open (RFC 7413): a first connection fetches a cookie, the second sends its request in the SYN',
    needs: 'tfo',
    async run(t) {
      const s = t.actor('server');
      const c = t.actor('client');
      flushTfoCookies();
      await s.call({ op: 'listen', name: 'l', port: t.port, fastopen: 16 });
      for (const n of [1, 2]) {
        const acc = s.call({ op: 'accept', name: `a${n}`, listener: 'l' });
        await c.call({ op: 'connect', name: `c${n}`, port: t.port, fastopen: true, data: `GET /${n} HTTP/1.1\r\n\r\n` });
        await acc;
        await s.call({ op: 'recv', name: `a${n}`, size: 19 });
        await s.call({ op: 'send', name: `a${n}`, text: 'HTTP/1.1 204 No Content\r\n\r\n' });
        await c.call({ op: 'recv', name: `c${n}`, size: 27 });
        await c.call({ op: 'close', name: `c${n}` });
        await s.call({ op: 'recvall', name: `a${n}` });
        await s.call({ op: 'close', name: `a${n}` });
        await sleep(100);
      }
      await sleep(200);
      await t.snap('end', 'both clients TIME-WAIT');
    },
  },
  {
    name: 'synsent-bad-ack',
    title: 'Unacceptable ACK in SYN-SENT: while the server drops SYNs (full accept queue), a forged SYN,ACK acknowledges something the client never sent; the client answers RST and stays SYN-SENT',
    async run(t) {
      const s = t.actor('server');
      const c1 = t.actor('client1');
      const c2 = t.actor('client2');
      const x = t.actor('forger');
      const port2 = t.port + 100;
      await s.call({ op: 'listen', name: 'l', port: t.port, backlog: 0 });
      await c1.call({ op: 'connect', name: 'c', port: t.port });
      await sleep(100);
      const second = c2.call({ op: 'connect', name: 'c', port: t.port, bind: port2 });
      await sleep(300);
      await x.call({ op: 'inject', src: t.port, dst: port2, seq: 123456789, ack: 42, flags: 'SYN,ACK' });
      await sleep(200);
      await t.snap('after the forged SYN,ACK', 'client 2 still SYN-SENT (it answered RST), client 1 ESTAB, not accepted');
      await s.call({ op: 'accept', name: 'a1', listener: 'l' });
      await second;
      await s.call({ op: 'accept', name: 'a2', listener: 'l' });
      for (const [c, a] of [[c1, 'a1'], [c2, 'a2']]) {
        await c.call({ op: 'close', name: 'c' });
        await s.call({ op: 'recvall', name: a });
        await s.call({ op: 'close', name: a });
      }
      await sleep(200);
      await t.snap('end', 'both clients TIME-WAIT');
    },
  },
];

/** A throw-away self-signed certificate for the TLS scenarios (made on first use). */
const TLS_FILES = { cert: '', key: '' };

function makeCertificate() {
  if (TLS_FILES.cert) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-oracle-'));
  TLS_FILES.cert = path.join(dir, 'cert.pem');
  TLS_FILES.key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', TLS_FILES.key, '-out', TLS_FILES.cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
}

/** Forgets the TFO cookies the kernel cached for 127.0.0.1, so the first connect asks for one. */
function flushTfoCookies() {
  try {
    execFileSync('ip', ['tcp_metrics', 'delete', '127.0.0.1'], { stdio: 'ignore' });
  } catch {
    // No entry for the address: nothing cached.
  }
}

// ---------------------------------------------------------------------------------------------

/** The table of the loss scenarios' rules, made and deleted around each of them. */
const NFT_TABLE = 'tcpflow_oracle';

function nft(args) {
  execFileSync('nft', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function sysctl(name, value) {
  const p = `/proc/sys/${name.replace(/\./g, '/')}`;
  const old = fs.readFileSync(p, 'utf8').trim();
  if (value !== undefined) fs.writeFileSync(p, String(value));
  return old;
}

async function play(sc, index) {
  const port = BASE_PORT + index;
  const pcap = path.join(OUT, `${sc.name}.pcapng`);
  const before = new Set(ssSockets(port).map(key));
  const actors = [];
  const snaps = [];
  const t = {
    port,
    actor(label) {
      const a = new Actor(label);
      actors.push(a);
      return a;
    },
    /** Adds a rule (nft syntax) to the scenario's input chain. */
    nft(rule) {
      nft(['add', 'rule', 'inet', NFT_TABLE, 'input', ...rule.split(' ')]);
    },
    nftClear() {
      nft(['flush', 'chain', 'inet', NFT_TABLE, 'input']);
    },
    /** `unseen`: why this moment's states follow from a call the wire does not show (yet). */
    async snap(label, note, { unseen } = {}) {
      const time = now();
      const all = ssSockets(port);
      const listening = all.some((s) => s.state === 'LISTEN');
      const sockets = all.filter((s) => !before.has(key(s)) && s.state !== 'LISTEN');
      snaps.push({ label, note, ...(unseen ? { unseen } : {}), time: Number(time.toFixed(6)), listening, sockets });
    },
  };
  if (sc.needs === 'nft') {
    nft(['add', 'table', 'inet', NFT_TABLE]);
    restore.nft = true;
    nft(['add', 'chain', 'inet', NFT_TABLE, 'input', '{ type filter hook input priority -10; policy accept; }']);
  }
  let tries = 1;
  for (let attempt = 1; ; attempt++) {
    const cap = await startCapture(port, pcap, sc.snaplen);
    try {
      await sc.run(t);
    } finally {
      await stopCapture(cap);
      await Promise.all(actors.splice(0).map((a) => a.stop()));
      if (sc.needs === 'nft') {
        nft(['delete', 'table', 'inet', NFT_TABLE]);
        restore.nft = false;
      }
    }
    tries = attempt;
    if (!sc.until || sc.until(snaps)) break;
    if (attempt === (sc.attempts ?? 8)) throw new Error(`${sc.name}: the race did not go the wanted way in ${attempt} attempts`);
    for (const s of ssSockets(port)) before.add(key(s));
    snaps.length = 0;
  }
  const expect = { scenario: sc.name, title: sc.title, port, kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), snapshots: snaps };
  fs.writeFileSync(path.join(OUT, `${sc.name}.json`), JSON.stringify(expect, null, 2) + '\n');
  const size = fs.statSync(pcap).size;
  const end = snaps[snaps.length - 1];
  console.log(`${sc.name.padEnd(24)} port ${port}${tries > 1 ? ` (${tries} tries)` : ''}  ${String(size).padStart(7)} bytes  end: ${end.sockets.map((s) => `${s.local}=${s.state}`).join(', ') || 'no sockets'}`);
}

/** What to put back if the run is interrupted: the TFO sysctl, the loss rules. */
const restore = { tfo: undefined, nft: false };

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (restore.tfo !== undefined) sysctl('net.ipv4.tcp_fastopen', restore.tfo);
    if (restore.nft) {
      try {
        nft(['delete', 'table', 'inet', NFT_TABLE]);
      } catch {
        // Already gone.
      }
    }
    process.exit(130);
  });
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith('--'));
  for (const tool of ['dumpcap', 'ss', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      console.error(`oracle: ${tool} is not installed (sh scripts/install-oracle-tools.sh)`);
      process.exit(2);
    }
  }
  fs.mkdirSync(OUT, { recursive: true });
  let tfoOld;
  for (const [i, sc] of SCENARIOS.entries()) {
    if (only.length && !only.includes(sc.name)) continue;
    if (sc.needs === 'nft') {
      try {
        execFileSync('nft', ['list', 'tables'], { stdio: 'ignore' });
      } catch (e) {
        console.log(`${sc.name.padEnd(24)} skipped: nft (nftables) is missing or not allowed (${e.code ?? e.message}); fixture kept as it was`);
        continue;
      }
    }
    if (sc.needs === 'tls') {
      try {
        makeCertificate();
      } catch (e) {
        console.log(`${sc.name.padEnd(24)} skipped: openssl could not make a certificate (${e.code ?? e.message}); fixture kept as it was`);
        continue;
      }
    }
    if (sc.needs === 'tfo') {
      // Client and server TFO (bits 1 and 2); put back afterwards.
      try {
        tfoOld = sysctl('net.ipv4.tcp_fastopen', 3);
        restore.tfo = tfoOld;
      } catch (e) {
        const cur = Number(sysctl('net.ipv4.tcp_fastopen'));
        if ((cur & 3) !== 3) {
          console.log(`${sc.name.padEnd(24)} skipped: net.ipv4.tcp_fastopen is ${cur} and cannot be set to 3 (${e.code ?? e.message}); fixture kept as it was`);
          continue;
        }
      }
    }
    try {
      await play(sc, i);
    } finally {
      if (tfoOld !== undefined) {
        sysctl('net.ipv4.tcp_fastopen', tfoOld);
        tfoOld = undefined;
        restore.tfo = undefined;
      }
    }
  }
}

main()
  .then(() => {
    // Then import and check what was captured, against the states ss showed (and pending.json).
    const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/oracle-report.ts'), ...only], { stdio: 'inherit', cwd: ROOT });
    process.exitCode = r.status ?? 1;
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
