import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { PacketdrillImportError, importPacketdrill } from '../../src/core/import/packetdrill';
import { parse } from '../../src/core/syntax/parser';
import { PKT_DIR, pktFiles } from './helpers';

function segs(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => / -> /.test(l) && !l.startsWith('#'))
    .map((l) => l.replace(/\s+#.*$/, ''));
}

test('every corpus packetdrill script imports or fails naming the unsupported construct', () => {
  const files = pktFiles();
  assert.equal(files.length, 70);
  let imported = 0;
  const failures = new Map<string, string[]>();
  const skipped = new Map<string, number>();
  for (const f of files) {
    const name = relative(PKT_DIR, f);
    const text = readFileSync(f, 'utf8');
    try {
      const r = importPacketdrill(text);
      imported++;
      const p = parse(r.text);
      assert.deepEqual(p.issues.map((i) => `${i.key} ${r.text.slice(i.start, i.end)}`), [], name);
      // One output segment per packet line that survived.
      const packetLines = text.split('\n').filter((l) => /^\s*([-+*0-9.~ ]+)?\s*[<>]\s+[SFRP.EWU-]+\s+\d+:\d+\(\d+\)/.test(l.replace(/\/\/.*$/, '')));
      assert.equal(segs(r.text).length, packetLines.length, name);
      for (const u of r.unsupported) skipped.set(u, (skipped.get(u) ?? 0) + 1);
      for (const w of r.warnings) assert.ok(w.line === undefined || w.line >= 1, name);
    } catch (e) {
      assert.ok(e instanceof PacketdrillImportError, `${name}: ${(e as Error).stack}`);
      assert.ok(e.message.includes(e.construct), `${name}: message names the construct: ${e.message}`);
      assert.match(e.message, /^line \d+: /, name);
      const list = failures.get(e.construct) ?? [];
      list.push(`${name} (${e.message})`);
      failures.set(e.construct, list);
    }
  }
  const failed = [...failures.values()].reduce((n, l) => n + l.length, 0);
  console.log(`packetdrill corpus: ${imported} imported, ${failed} failed`);
  for (const [c, l] of failures) console.log(`  failed on ${c}: ${l.join('; ')}`);
  console.log(`  skipped constructs (scripts): ${[...skipped].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  assert.equal(imported + failed, files.length);
  assert.ok(imported >= 65, `imported ${imported}`);
});

test('Google dialect: active open, data, local close first', () => {
  const r = importPacketdrill(readFileSync(`${PKT_DIR}/google-packetdrill/tcp/close/close-local-close-then-remote-fin.pkt`, 'utf8'));
  const lines = r.text.split('\n');
  assert.ok(lines.includes('numbers relative'));
  assert.ok(lines.includes('client L'));
  assert.ok(lines.includes('server R'));
  assert.deepEqual(segs(r.text), [
    'L -> R SYN seq=0',
    'R -> L SYN ACK seq=0 ack=1 win=32768 mss=1000 wscale=6 sackOK',
    'L -> R ACK seq=1 ack=1',
    'L -> R PSH ACK seq=1 ack=1 len=1000',
    'R -> L ACK seq=1 ack=1001 win=257',
    'L -> R FIN ACK seq=1001 ack=1',
    'R -> L ACK seq=1 ack=1002 win=257',
    'R -> L FIN ACK seq=1 ack=1002 win=257',
    'L -> R ACK seq=1002 ack=2',
  ]);
  const calls = lines.filter((l) => /^L (connect|close|shutdown|abort)\b/.test(l)).map((l) => l.replace(/\s+#.*$/, ''));
  assert.deepEqual(calls, ['L connect', 'L close']);
  // connect() at +.01 after socket() at 0
  assert.ok(lines.indexOf('wait 10ms') < lines.findIndex((l) => l.startsWith('L connect')));
});

test('passive open: listen + accept makes the local side the server; the listener close is not the connection close', () => {
  const r = importPacketdrill(readFileSync(`${PKT_DIR}/linux-selftests/tcp_basic_server.pkt`, 'utf8'));
  assert.match(r.text, /^server L$/m);
  assert.match(r.text, /^client R$/m);
  const calls = r.text.split('\n').filter((l) => /^L (connect|close|shutdown|abort)\b/.test(l));
  assert.equal(calls.length, 1, 'only close(4) closes the connection');
  assert.match(r.text, /close\(3\) = 0 \(closes the listening socket only\)/);
  assert.match(r.text, /^wait 40ms\nL -> R ACK seq=1 ack=1002/m);
});

test('FreeBSD dialect: tcpi_state and sockstat assertions become state assertions', () => {
  const closing = importPacketdrill(readFileSync(`${PKT_DIR}/freebsd-tcp-testsuite/snippets/closing-ipv4.pkt`, 'utf8'));
  assert.match(closing.text, /^L: CLOSING {2}# line 61: tcpi_state$/m);
  assert.match(closing.text, /^L shutdown {2}# line 54: shutdown\(SHUT_WR\)$/m);
  assert.match(closing.text, /^L -> R SYN seq=0 win=65535 mss=1460 wscale=6 sackOK ts=100\/0 {2}# line 48$/m);
  assert.ok(closing.unsupported.includes('shell command'));
  assert.ok(closing.unsupported.includes('--tolerance_usecs'));
  assert.ok(closing.warnings.some((w) => w.line === 31 && /sysctl/.test(w.message)));
  const tw = importPacketdrill(readFileSync(`${PKT_DIR}/freebsd-tcp-testsuite/snippets/time-wait-via-closing-ipv4.pkt`, 'utf8'));
  assert.match(tw.text, /^L: TIME_WAIT {2}# line 64: sockstat$/m);
  const all = pktFiles().filter((f) => /snippets/.test(f));
  const states = new Set<string>();
  for (const f of all) {
    for (const m of importPacketdrill(readFileSync(f, 'utf8')).text.matchAll(/^L: (\w+)/gm)) states.add(m[1]);
  }
  for (const s of ['CLOSING', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK', 'CLOSE_WAIT', 'LISTEN', 'SYN_SENT', 'SYN_RCVD', 'CLOSED', 'TIME_WAIT']) {
    assert.ok(states.has(s), `state ${s} asserted somewhere in the snippets`);
  }
});

test('#ifdef blocks fail without defines and import with them; tcpdrop fails', () => {
  const f = `${PKT_DIR}/freebsd-tcp-testsuite/state-event-engine/rcv-syn-time-wait/rcv-syn-time-wait-using-shutdown-left-edge-secure-ipv4.pkt`;
  const text = readFileSync(f, 'utf8');
  assert.throws(() => importPacketdrill(text), (e: unknown) => e instanceof PacketdrillImportError && e.line === 65 && /#ifdef STANDARD/.test(e.message));
  const std = importPacketdrill(text, { defines: ['STANDARD'] });
  assert.match(std.text, /^R -> L SYN seq=2 win=32767 mss=1460 sackOK/m);
  assert.equal(parse(std.text).issues.length, 0);
  assert.throws(() => importPacketdrill(text, { defines: ['FreeBSD'] }), (e: unknown) => e instanceof PacketdrillImportError && e.construct === 'tcpdrop' && e.line === 75);
});

test('remote ISN: the SYN is absolute, later numbers relative; absolute local ACKs are converted', () => {
  const r = importPacketdrill(readFileSync(`${PKT_DIR}/google-packetdrill/tcp/fastopen/client/simultaneous-fast-open.pkt`, 'utf8'));
  assert.equal(r.connections, 2);
  const s = segs(r.text);
  assert.ok(s.includes('R1 -> L1 SYN ACK seq=0 ack=1 win=14600 mss=1460 wscale=6 sackOK tfo=0xabcd1234'), 'FO cookie becomes tfo=0x… (RFC 7413)');
  assert.ok(s.includes('R2 -> L2 SYN seq=0 len=500 win=14600 mss=1040 wscale=6 sackOK tfo=0x87654321'));
  assert.ok(s.includes('L2 -> R2 SYN ACK seq=0 ack=1 mss=1460 wscale=8 sackOK'), 'ack 1235 written absolute becomes 1');
  assert.match(r.text, /^client L2$/m);
  assert.match(r.text, /^client R2$/m, 'simultaneous open: the peer sends a SYN too');
  const listen = importPacketdrill(readFileSync(`${PKT_DIR}/freebsd-tcp-testsuite/state-event-engine/rcv-syn-fin-listen/rcv-syn-fin-without-data-listen-dropping-enabled-ipv4.pkt`, 'utf8'));
  assert.deepEqual(segs(listen.text), [
    'R -> L SYN FIN seq=0 win=32767 mss=1460 sackOK',
    'R -> L SYN seq=0 win=32767 mss=1460 sackOK',
    'L -> R SYN ACK seq=0 ack=1 win=65535 mss=1460 sackOK',
  ]);
});

test('close answered by RST becomes abort; a listener closed with a pending child too', () => {
  const r = importPacketdrill(readFileSync(`${PKT_DIR}/google-packetdrill/tcp/fastopen/server/listener-closed-trigger-rst.pkt`, 'utf8'));
  assert.match(r.text, /^L abort {2}# line 13/m);
  const closed = importPacketdrill(readFileSync(`${PKT_DIR}/freebsd-tcp-testsuite/state-event-engine/rcv-ack-closed/rcv-ack-without-data-closed-ipv4.pkt`, 'utf8'));
  assert.match(closed.text, /^endpoint L CLOSED isn=0$/m);
  assert.match(closed.text, /^L -> R RST seq=34 win=0/m);
});

test('synthetic scripts: flags, options, timing forms, python blocks, failures', () => {
  const script = [
    '--tolerance_usecs=10000',
    '/* a block',
    '   comment */',
    '0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    '+0  bind(3, ..., ...) = 0',
    '+0  listen(3, 1) = 0',
    '0.100 < SEW 0:0(0) win 1000 <mss 1460,sackOK,TS val 5 ecr 0,nop,wscale 2>',
    '+0  > SE. 0:0(0) ack 1 <mss 1460,sackOK,TS val 9 ecr 5,nop,wscale 7>',
    '+.05 < . 1:1(0) ack 1 win 1000',
    '* accept(3, ..., ...) = 4',
    '+0 < P.U 1:11(10) ack 1 win 1000 urg 3',
    '+0 > . 1:1(0) ack 11 <nop,nop,sack 1:11>',
    '+0 %{',
    'assert tcpi_state == TCPI_ESTABLISHED',
    'assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd',
    '}%',
    '+1 close(4) = 0',
    '+0 > F. 1:1(0) ack 11',
  ].join('\n');
  const r = importPacketdrill(script);
  assert.deepEqual(segs(r.text), [
    'R -> L SYN ECE CWR seq=0 win=1000 mss=1460 wscale=2 sackOK ts=5/0',
    'L -> R SYN ACK ECE seq=0 ack=1 mss=1460 wscale=7 sackOK ts=9/5',
    'R -> L ACK seq=1 ack=1 win=1000',
    'R -> L PSH ACK URG seq=1 ack=1 len=10 win=1000',
    'L -> R ACK seq=1 ack=11',
    'L -> R FIN ACK seq=1 ack=11',
  ]);
  assert.match(r.text, /^L: ESTABLISHED {2}# line 13: tcpi_state$/m);
  assert.match(r.text, /^wait 100ms$/m);
  assert.match(r.text, /^wait 50ms$/m);
  assert.match(r.text, /^wait 1s\nL close/m);
  assert.match(r.text, /SACK 1-11/);
  assert.match(r.text, /urgent pointer 3/);
  assert.ok(r.unsupported.includes('python block'));
  assert.ok(r.unsupported.includes('--tolerance_usecs'));
  assert.equal(parse(r.text).issues.length, 0);

  const bad: [string, RegExp, number][] = [
    ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < icmp unreachable port [1:1(0)]', /'icmp' packet/, 2],
    ['0 < udp (100)', /'udp' packet/, 1],
    ['0 < 192.0.2.1:80 > 192.168.0.1:8080 S 0:0(0)', /explicit addresses/, 1],
    ['0 < S 0:0', /start:end\(len\)/, 1],
    ['#define X 1', /'#define'/, 1],
    ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\nthis is not packetdrill', /cannot read 'this is not packetdrill'/, 2],
    [
      '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 1\n+0 > S. 0:0(0) ack 1\n+0 < . 1:1(0) ack 1 win 1\n+0 accept(3, ..., ...) = 4\n+0 accept(3, ..., ...) = 5',
      /second accepted connection/,
      7,
    ],
  ];
  for (const [src, re, line] of bad) {
    assert.throws(() => importPacketdrill(src), (e: unknown) => e instanceof PacketdrillImportError && re.test(e.message) && e.line === line, src);
  }
});
