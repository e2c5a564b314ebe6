import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importCapture, importCaptureChunks } from '../../src/core/import/capture';
import { groupConnections } from '../../src/core/import/connections';
import { readCapture } from '../../src/core/import/pcap';
import { ExportSegment, writePcap } from '../../src/core/import/pcapwrite';
import { parse } from '../../src/core/syntax/parser';
import { analyze } from '../../src/core/index';
import { EXPECTED_TCP, pcapFiles, readPcap } from './helpers';

function segmentLines(text: string): string[] {
  return text.split('\n').filter((l) => / -> /.test(l) && !l.startsWith('#') && !l.startsWith('phase'));
}

function strip(line: string): string {
  return line.replace(/\s+#.*$/, '');
}

/** Segment lines of captured frames (the importer's stand-ins for uncaptured bytes have no `pkt`). */
function frameLines(text: string): string[] {
  return segmentLines(text).filter((l) => /# pkt \d+/.test(l));
}

/** A segment line without its delivery modifiers. */
function noFate(line: string): string {
  return line.replace(/ (delay=\S+|lost|cross)(?= |$)/g, '');
}

test('every corpus capture imports, parses cleanly, and writes one line per TCP segment', () => {
  for (const f of pcapFiles()) {
    const r = importCapture(readPcap(f));
    assert.equal(r.segments, EXPECTED_TCP[f], f);
    assert.equal(frameLines(r.text).length, EXPECTED_TCP[f], f);
    // Every other segment line is a stand-in for bytes the capture did not see, and says so.
    for (const l of segmentLines(r.text)) if (!/# pkt \d+/.test(l)) assert.match(l, /# not captured: (bytes \d+-\d+|the next segment acknowledges this SYN,ACK)/, f);
    assert.ok(r.text.includes('numbers relative'), f);
    const p = parse(r.text);
    assert.deepEqual(p.issues.map((i) => `${i.key} ${r.text.slice(i.start, i.end)}`), [], f);
  }
});

test('three-way handshake: names by role, relative numbers, options, packet numbers and times', () => {
  const r = importCapture(readPcap('chrissanders-packets__tcp_handshake.pcapng'));
  const lines = r.text.split('\n');
  assert.ok(lines.includes('client C 172.16.16.128:2826  # client: sent the SYN'));
  assert.ok(lines.includes('server S 212.58.226.142:80  # server'));
  assert.deepEqual(segmentLines(r.text), [
    'C -> S SYN seq=0 win=8192 mss=1460 wscale=2 sackOK  # pkt 1, 0.000000s',
    'S -> C SYN ACK seq=0 ack=1 win=5840 mss=1406 wscale=7 sackOK  # pkt 2, 0.132627s',
    'C -> S ACK seq=1 ack=1 win=4218  # pkt 3, 0.132768s',
  ]);
  assert.equal(r.connections, 1);
});

test('absolute numbers on request', () => {
  const r = importCapture(readPcap('zeek__http_get.pcap'), { absolute: true });
  assert.ok(r.text.includes('numbers absolute'));
  const first = strip(segmentLines(r.text)[0]);
  const { packets } = readCapture(readPcap('zeek__http_get.pcap'));
  assert.ok(first.includes(`seq=${packets[0].seq}`), first);
});

test('payload labels: HTTP start lines with Connection, TLS 1.2 and 1.3 handshakes, text protocols', () => {
  const http = importCapture(readPcap('zeek__http_get.pcap')).text;
  assert.match(http, /len=136 win=8235 http "GET \/download\/CHANGES\.bro-aux\.txt HTTP\/1\.1" keep-alive/);
  assert.match(http, /http "HTTP\/1\.1 200 OK"/);
  const tls12 = frameLines(importCapture(readPcap('zeek__tls_tls1.2.pcap')).text).map(strip).map(noFate);
  const msgs = tls12.map((l) => /tls (.*)$/.exec(l)?.[1]).filter(Boolean);
  assert.deepEqual(msgs.slice(0, 5), [
    'ClientHello',
    'ServerHello Certificate',
    'ServerHelloDone',
    'ClientKeyExchange ChangeCipherSpec Finished',
    'ChangeCipherSpec Finished',
  ]);
  assert.equal(msgs[msgs.length - 1], 'Alert');
  const tls13 = frameLines(importCapture(readPcap('zeek__tls_tls13_wolfssl.pcap')).text).map(strip).map(noFate);
  const m13 = tls13.map((l) => /tls (.*)$/.exec(l)?.[1]).filter(Boolean);
  assert.deepEqual(m13, ['ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished', 'Finished', 'ApplicationData']);
  const hrr = importCapture(readPcap('zeek__tls_hrr.pcap')).text;
  assert.match(hrr, /tls HelloRetryRequest ChangeCipherSpec/);
  assert.match(hrr, /tls ChangeCipherSpec ClientHello/);
  const fail = importCapture(readPcap('zeek__tls_tls-1.2-handshake-failure.pcap')).text;
  assert.match(fail, /tls Alert/);
  const whois = importCapture(readPcap('tcpdump__whois.pcap')).text;
  assert.match(whois, /len=13 win=29200 "example\.com"/);
  const ssh = importCapture(readPcap('tcpdump__ssh.pcap')).text;
  assert.match(ssh, /"SSH-2\.0-/);
});

test('uncaptured segments are notes, not errors; gaps, keep-alive style flags, SACK comments', () => {
  const dup = importCapture(readPcap('chrissanders-packets__tcp_dupack.pcapng')).text;
  assert.match(dup, /^endpoint C ESTABLISHED 172\.31\.136\.85:38760 isn=\d+ +# client: guessed from the ports/m);
  assert.match(dup, /^note "handshake not captured: the capture starts in the middle of the connection"$/m);
  assert.match(dup, /^note S "previous segment not captured \(10944 bytes missing\)"$/m);
  assert.match(dup, /SACK 5473-10945/);
  assert.match(dup, /S -> C ACK seq=1 ack=1 len=1368 win=108 rtx/);
  const hrr = importCapture(readPcap('zeek__tls_hrr.pcap')).text;
  assert.match(hrr, /note S "previous segment not captured \(1368 bytes missing\)"/);
  assert.match(hrr, /fills the earlier gap/);
  const missing = importCapture(readPcap('zeek__tcp_missing-syn.pcap')).text;
  assert.match(missing, /^endpoint C SYN_SENT 141\.42\.64\.125:56730 isn=1512382793/m);
  assert.match(missing, /^endpoint S SYN_RCVD 125\.190\.109\.199:80/m);
  assert.match(missing, /^note C "SYN not captured"$/m);
});

test('timestamps: trailing times and wait lines for pauses', () => {
  const r = importCapture(readPcap('chrissanders-packets__tcp_retransmissions.pcapng'));
  const waits = r.text.split('\n').filter((l) => l.startsWith('wait '));
  assert.deepEqual(waits, ['wait 206ms', 'wait 600ms', 'wait 1.2s', 'wait 2.4s', 'wait 4.805s']);
  assert.equal(segmentLines(r.text).filter((l) => / rtx /.test(l) || / rtx$/.test(strip(l))).length, 5);
  const none = importCapture(readPcap('chrissanders-packets__tcp_retransmissions.pcapng'), { waitThresholdMs: -1 });
  assert.ok(!/^wait /m.test(none.text));
  const all = importCapture(readPcap('zeek__http_get.pcap'), { waitThresholdMs: 0 });
  assert.equal(all.text.split('\n').filter((l) => l.startsWith('wait ')).length, 13);
  const ts = importCapture(readPcap('zeek__http_get.pcap'), { timestamps: 'all' });
  assert.equal(segmentLines(ts.text).filter((l) => /ts=\d+\/\d+/.test(l)).length, 14);
});

test('several connections: unique names, phases, filters by connection, port and host', () => {
  const bytes = readPcap('tcpdump__tfo-5c1fa7f9ae91.pcap');
  const r = importCapture(bytes);
  assert.equal(r.connections, 3);
  for (const n of ['C1', 'S1', 'C2', 'S2', 'C3', 'S3']) assert.match(r.text, new RegExp(`^(client|server|endpoint) ${n} `, 'm'));
  assert.equal(r.text.split('\n').filter((l) => l.startsWith('phase "Connection ')).length, 3);
  assert.match(r.text, /^C1 -> S1 SYN seq=0 win=1400 tfo  #/m); // RFC 7413: a cookie request
  assert.match(r.text, /^S1 -> C1 SYN ACK .* tfo=0x090909090000  #/m);
  const only2 = importCapture(bytes, { conn: 2 });
  assert.equal(only2.connections, 1);
  assert.match(only2.text, /^client C 9\.9\.9\.9:13047/m);
  const byPort = importCapture(bytes, { port: 13048 });
  assert.equal(byPort.connections, 1);
  const byHost = importCapture(bytes, { host: '192.168.0.100' });
  assert.equal(byHost.connections, 2);
  assert.match(byHost.text, /^client C1 /m);
  assert.match(byHost.text, /^client C3 /m);
  const none = importCapture(bytes, { host: '10.9.9.9' });
  assert.equal(none.connections, 0);
  assert.ok(none.warnings.some((w) => /no connection matches/.test(w.message)));
  assert.equal(parse(r.text).issues.length, 0);
});

const base = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, win: 1000 };
function seg(o: Partial<ExportSegment> & { flags: string[] }, reverse = false): ExportSegment {
  const s: ExportSegment = { ...base, seq: 0, ack: 0, len: 0, timeUs: 0, ...o };
  if (reverse) {
    s.src = base.dst;
    s.dst = base.src;
    s.srcPort = base.dstPort;
    s.dstPort = base.srcPort;
  }
  return s;
}

test('port reuse: a new SYN with another ISN after the connection closed starts a new connection', () => {
  const conn = (isnC: number, isnS: number, t: number): ExportSegment[] => [
    seg({ flags: ['SYN'], seq: isnC, timeUs: t }),
    seg({ flags: ['SYN', 'ACK'], seq: isnS, ack: isnC + 1, timeUs: t + 1 }, true),
    seg({ flags: ['ACK'], seq: isnC + 1, ack: isnS + 1, timeUs: t + 2 }),
    seg({ flags: ['FIN', 'ACK'], seq: isnC + 1, ack: isnS + 1, timeUs: t + 3 }),
    seg({ flags: ['FIN', 'ACK'], seq: isnS + 1, ack: isnC + 2, timeUs: t + 4 }, true),
    seg({ flags: ['ACK'], seq: isnC + 2, ack: isnS + 2, timeUs: t + 5 }),
  ];
  const bytes = writePcap([...conn(1000, 5000, 0), ...conn(900000, 77, 100)]);
  const conns = groupConnections(readCapture(bytes).packets);
  assert.equal(conns.length, 2);
  const r = importCapture(bytes);
  assert.equal(r.connections, 2);
  assert.match(r.text, /^client C1 10\.0\.0\.1:40000/m);
  assert.match(r.text, /^client C2 10\.0\.0\.1:40000/m);
  // Both connections start at relative 0.
  assert.equal(segmentLines(r.text).filter((l) => /SYN (ACK )?seq=0 /.test(l)).length, 4);
  // A retransmitted SYN (same ISN) stays in the same connection; so does a SYN before any close.
  const rtx = writePcap([seg({ flags: ['SYN'], seq: 5, timeUs: 0 }), seg({ flags: ['SYN'], seq: 5, timeUs: 1000000 }), seg({ flags: ['SYN'], seq: 9, timeUs: 2000000 })]);
  assert.equal(groupConnections(readCapture(rtx).packets).length, 1);
  const t = importCapture(rtx).text;
  assert.match(t, /wait 1s\nC -> S SYN seq=0 win=1000 rtx/);
});

test('a SYN to the side that closed first reopens the connection from TIME-WAIT on the same endpoints (RFC 9293 §3.6.1)', () => {
  // The server closes first (TIME-WAIT) both times; the client's next SYN from the same port reopens it.
  const conn = (isnC: number, isnS: number, t: number): ExportSegment[] => [
    seg({ flags: ['SYN'], seq: isnC, timeUs: t }),
    seg({ flags: ['SYN', 'ACK'], seq: isnS, ack: isnC + 1, timeUs: t + 1 }, true),
    seg({ flags: ['ACK'], seq: isnC + 1, ack: isnS + 1, timeUs: t + 2 }),
    seg({ flags: ['FIN', 'ACK'], seq: isnS + 1, ack: isnC + 1, timeUs: t + 3 }, true),
    seg({ flags: ['FIN', 'ACK'], seq: isnC + 1, ack: isnS + 2, timeUs: t + 4 }),
    seg({ flags: ['ACK'], seq: isnS + 2, ack: isnC + 2, timeUs: t + 5 }, true),
  ];
  const r = importCapture(writePcap([...conn(1000, 5000, 0), ...conn(900000, 77, 500000)]), { absolute: true });
  assert.equal(r.connections, 2);
  assert.doesNotMatch(r.text, /C2|S2/);
  assert.match(r.text, /# C1 reopens connection 1 from TIME-WAIT: S1 closed it first/);
  assert.match(r.text, /wait 499.995ms\nC1 -> S1 SYN seq=900000/);
  const a = analyze(r.text);
  assert.deepEqual(a.findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
  assert.deepEqual(a.model.finalStates.map((v) => `${v.endpoint} ${v.state}`).sort(), ['C1 CLOSED', 'S1 TIME_WAIT']);
});

test('a socket connected to itself is written as one endpoint whose segments go to itself, one TCB', () => {
  const bytes = new Uint8Array(readFileSync(join(__dirname, '../oracle/fixtures/self-connect.pcapng')));
  const r = importCapture(bytes);
  assert.deepEqual(r.warnings, []);
  assert.match(r.text, /^client C 127\.0\.0\.1:47123 /m);
  // The seven segments, numbered from the one ISN: the SYN,ACK acknowledges its own SYN.
  const segs = r.text.split('\n').filter((l) => l.startsWith('C -> C '));
  assert.equal(segs.length, 7);
  assert.match(segs[1], /SYN ACK seq=0 ack=1 /);
  assert.match(segs[4], /ACK seq=6 ack=6 /);
  const a = analyze(r.text);
  assert.deepEqual(a.findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
  // Simultaneous open with itself, then its FIN crosses itself: CLOSING, then TIME-WAIT (RFC 9293 §3.6 Figure 13).
  const arrivals = a.model.events.flatMap((e) => (e.kind === 'segment' ? e.deliveries.map((d) => d.after.state) : []));
  assert.deepEqual(arrivals, ['SYN_RCVD', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'CLOSING', 'TIME_WAIT']);
  assert.deepEqual(a.model.finalStates.map((v) => `${v.endpoint}/${v.peer} ${v.state}`), ['C/C TIME_WAIT']);
});

test('forged segments told from TCP itself are written from an attacker, as the side they claim (RFC 5961 §1)', () => {
  const hs = [
    seg({ flags: ['SYN'], seq: 1000, timeUs: 0 }),
    seg({ flags: ['SYN', 'ACK'], seq: 5000, ack: 1001, timeUs: 1 }, true),
    seg({ flags: ['ACK'], seq: 1001, ack: 5001, timeUs: 2 }),
  ];
  // An RST in C's name beyond all C sent (inside S's window: S answers with a challenge ACK), then C goes
  // on: C's TCB never sent it.
  const r = importCapture(
    writePcap([...hs, seg({ flags: ['RST'], seq: 1501, timeUs: 10 }), seg({ flags: ['ACK'], seq: 5001, ack: 1001, timeUs: 11 }, true), seg({ flags: ['PSH', 'ACK'], seq: 1001, ack: 5001, len: 5, timeUs: 20 }), seg({ flags: ['ACK'], seq: 5001, ack: 1006, timeUs: 21 }, true)]),
    { absolute: true },
  );
  assert.equal(r.connections, 1);
  assert.match(r.text, /^attacker M /m);
  assert.match(r.text, /# pkt 4 is not C's: /);
  assert.match(r.text, /^M -> S RST seq=1501 win=1000 as C {2}# pkt 4/m);
  assert.deepEqual(analyze(r.text).findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
  // A real abort (nothing of C's after it) stays C's, and ends the connection.
  const abort = importCapture(writePcap([...hs, seg({ flags: ['RST', 'ACK'], seq: 1001, ack: 5001, timeUs: 10 })]), { absolute: true });
  assert.doesNotMatch(abort.text, /attacker|as C/);
  // A SYN,ACK acknowledging no SYN C sent, answered by C's RST (it stays SYN-SENT), then the real one.
  const bad = importCapture(
    writePcap([
      seg({ flags: ['SYN'], seq: 1000, timeUs: 0 }),
      seg({ flags: ['SYN', 'ACK'], seq: 777, ack: 42, timeUs: 1 }, true),
      seg({ flags: ['RST'], seq: 42, timeUs: 2 }),
      seg({ flags: ['SYN'], seq: 1000, timeUs: 1000000 }),
      seg({ flags: ['SYN', 'ACK'], seq: 5000, ack: 1001, timeUs: 1000001 }, true),
      seg({ flags: ['ACK'], seq: 1001, ack: 5001, timeUs: 1000002 }),
    ]),
    { absolute: true },
  );
  assert.equal(bad.connections, 1);
  assert.match(bad.text, /^M -> C SYN ACK seq=777 ack=42 win=1000 as S {2}# pkt 2/m);
  const a = analyze(bad.text);
  assert.deepEqual(a.findings.filter((f) => f.severity !== 'info').map((f) => f.code), []);
  assert.deepEqual(a.model.finalStates.filter((v) => v.endpoint !== 'M').map((v) => `${v.endpoint} ${v.state}`).sort(), ['C ESTABLISHED', 'S ESTABLISHED']);
});

test('roles without a SYN: the well-known port is the server, else the lower port', () => {
  const data = (src: number, dst: number): Uint8Array =>
    writePcap([
      { ...base, srcPort: src, dstPort: dst, seq: 100, ack: 200, flags: ['PSH', 'ACK'], len: 10, label: 'hello', timeUs: 0 },
      { ...base, src: base.dst, dst: base.src, srcPort: dst, dstPort: src, seq: 200, ack: 110, flags: ['ACK'], len: 0, timeUs: 10 },
    ]);
  let c = groupConnections(readCapture(data(443, 51000)).packets)[0];
  assert.equal(c.endpoints[c.client].port, 51000);
  assert.equal(c.roleReason, 'port');
  c = groupConnections(readCapture(data(6000, 5000)).packets)[0];
  assert.equal(c.endpoints[c.client].port, 6000);
  const t = importCapture(data(443, 51000)).text;
  assert.match(t, /^endpoint C ESTABLISHED 10\.0\.0\.2:51000 isn=199 +# client: guessed from the ports/m);
  assert.match(t, /^S -> C PSH ACK seq=1 ack=1 len=10 win=1000 "hello"/m);
  // SYN+ACK without the SYN: its receiver is the client.
  const sa = writePcap([seg({ flags: ['SYN', 'ACK'], seq: 10, ack: 21 }, true), seg({ flags: ['ACK'], seq: 21, ack: 11 })]);
  c = groupConnections(readCapture(sa).packets)[0];
  assert.equal(c.roleReason, 'synack');
  assert.equal(c.endpoints[c.client].port, 40000);
});

test('IPv6 endpoints are written in brackets; the streamed import gives the same text', () => {
  const bytes = writePcap([
    { src: '2001:db8::1', dst: '2001:db8::2', srcPort: 50000, dstPort: 443, seq: 1, ack: 0, flags: ['SYN'], win: 100, len: 0, timeUs: 5 },
  ]);
  const r = importCapture(bytes);
  assert.match(r.text, /^client C \[2001:db8::1\]:50000/m);
  assert.match(r.text, /^server S \[2001:db8::2\]:443/m);
  assert.equal(parse(r.text).issues.length, 0);
  const f = readPcap('zeek__tls_tls1.2.pcap');
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < f.length; i += 100) chunks.push(f.slice(i, i + 100));
  assert.equal(importCaptureChunks(chunks).text, importCapture(f).text);
});
