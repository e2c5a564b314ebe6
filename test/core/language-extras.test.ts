/**
 * What notes draw, in the language (issue 12 part 3): TCP Fast Open (`tfo`, `tfo=COOKIE`,
 * RFC 7413) and crossing segments without ids (`cross`, the `delay=`/`deliver` form unnamed).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, analyzeFindings } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';
import { expectFindings, lines } from '../helpers';

const finding = (text: string, code: string) => {
  const f = analyze(text).findings.find((x) => x.code === code);
  assert.ok(f, `no ${code}`);
  return f;
};

const keys = (text: string) => analyze(text).findings.map((f) => `${f.code} ${f.message}`);
const states = (text: string) => analyze(text).model.finalStates.map((s) => `${s.endpoint}[${s.peer}] ${s.state} una=${s.sndUna} nxt=${s.sndNxt} rcv=${s.rcvNxt}`);

describe('TCP Fast Open (RFC 7413)', () => {
  const cookieFirst = (...more: string[]) =>
    lines(
      'client C',
      'server S',
      'C -> S SYN seq=1000 tfo',
      'S -> C SYN ACK seq=5000 ack=1001 tfo=0xaaaa1111',
      'C -> S ACK seq=1001 ack=5001',
      'C abort',
      'C -> S RST seq=1001',
      ...more,
    );

  it('parses `tfo` (cookie request) and `tfo=COOKIE` (number or name, kept in lower case)', () => {
    const a = analyze(lines('client C', 'server S', 'C -> S SYN seq=1 tfo', 'S -> C SYN ACK seq=1 ack=2 tfo=0xABCD', 'C -> S ACK seq=2 ack=2 tfo=k1'));
    const segs = a.file.statements.filter((s) => s.kind === 'segment');
    assert.deepEqual(
      segs.map((s) => (s.kind === 'segment' ? s.tfo?.cookie ?? (s.tfo ? '' : undefined) : undefined)),
      ['', '0xabcd', 'k1'],
    );
    assert.deepEqual(a.findings, []);
  });

  it('`tfo=` without a cookie is a syntax error naming what is expected', () => {
    const a = analyze(lines('client C', 'server S', 'C -> S SYN seq=1 tfo='));
    assert.equal(a.findings[0].code, 'TF1003');
    assert.match(a.findings[0].message, /Fast Open cookie/);
  });

  it('a cookie the server handed out: the SYN,ACK acknowledges SYN and data, clean', () => {
    expectFindings(cookieFirst('C -> S SYN seq=9000 len=10 tfo=0xaaaa1111', 'S -> C SYN ACK seq=7000 ack=9011', 'C -> S ACK seq=9011 ack=7001', 'C: ESTABLISHED, S: ESTABLISHED'), []);
  });

  it('a cookie the server never handed out: acknowledging the data is wrong, expected ISN+1', () => {
    const text = cookieFirst('C -> S SYN seq=9000 len=10 tfo=0xbbbb2222', 'S -> C SYN ACK seq=7000 ack=9011');
    const a = expectFindings(text, ['TF3001 @ 9:29']);
    assert.equal(finding(text, 'TF3001').expected, '9001');
    assert.equal(a.findings.length, 1);
  });

  it('with an invalid cookie the SYN,ACK acknowledging the SYN alone and the data resent is clean', () => {
    expectFindings(cookieFirst('C -> S SYN seq=9000 len=10 tfo=0xbbbb2222', 'S -> C SYN ACK seq=7000 ack=9001', 'C -> S ACK seq=9001 ack=7001 len=10 rtx', 'S -> C ACK seq=7001 ack=9011'), []);
  });

  it('a server shown handing out no cookie takes any cookie as one from before the notes', () => {
    expectFindings(lines('client C', 'server S', 'C -> S SYN seq=0 len=5 tfo=c0ffee', 'S -> C SYN ACK seq=0 ack=6', 'C -> S ACK seq=6 ack=1'), []);
  });

  it('a valid cookie still lets the server acknowledge the SYN alone (it may decline the data)', () => {
    expectFindings(lines('client C', 'server S', 'C -> S SYN seq=0 len=5 tfo=0x1', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1 len=5 rtx', 'S -> C ACK seq=1 ack=6'), []);
  });

  it('a cookie request is no cookie: only the SYN is acknowledged (and the SYN data noted)', () => {
    expectFindings(lines('client C', 'server S', 'C -> S SYN seq=0 len=5 tfo', 'S -> C SYN ACK seq=0 ack=6'), ['TF3008 @ 3:18', 'TF3001 @ 4:26']);
  });

  it('a cookie handed out by another server is not valid here', () => {
    const text = lines('client C', 'server S', 'server T', 'C -> T SYN seq=0 tfo', 'T -> C SYN ACK seq=0 ack=1 tfo=0x77', 'C -> S SYN seq=100 tfo', 'S -> C SYN ACK seq=0 ack=101 tfo=0x88', 'C -> S ACK seq=101 ack=1', 'C -> S RST seq=101', 'C -> S SYN seq=500 len=4 tfo=0x77', 'S -> C SYN ACK seq=900 ack=505');
    assert.deepEqual(analyze(text).findings.map((f) => f.code), ['TF3001']);
  });

  it('the findings-only check agrees', () => {
    const text = cookieFirst('C -> S SYN seq=9000 len=10 tfo=0xbbbb2222', 'S -> C SYN ACK seq=7000 ack=9011');
    assert.deepEqual(analyzeFindings(text), analyze(text).findings);
  });
});

describe('crossing segments: `cross`', () => {
  const close = (mark: 'cross' | 'delay') =>
    lines(
      'client A',
      'server B',
      'A -> B SYN seq=100',
      'B -> A SYN ACK seq=300 ack=101',
      'A -> B ACK seq=101 ack=301',
      mark === 'cross' ? 'A -> B FIN ACK seq=101 ack=301 cross' : 'A -> B FIN ACK seq=101 ack=301 delay=f1',
      mark === 'cross' ? 'B -> A FIN ACK seq=301 ack=101 cross' : 'B -> A FIN ACK seq=301 ack=101 delay=f2',
      ...(mark === 'cross' ? [] : ['deliver f1', 'deliver f2']),
      'A: CLOSING, B: CLOSING',
      'A -> B ACK seq=102 ack=302',
      'B -> A ACK seq=302 ack=102',
      'A: TIME_WAIT, B: TIME_WAIT',
    );
  const open = (mark: 'cross' | 'delay', tail: string[] = []) =>
    lines(
      'endpoint A CLOSED',
      'endpoint B CLOSED',
      ...(mark === 'cross'
        ? ['A -> B SYN seq=100 cross', 'B -> A SYN seq=300 cross', 'A: SYN_RCVD, B: SYN_RCVD', 'A -> B SYN ACK seq=100 ack=301 cross', 'B -> A SYN ACK seq=300 ack=101 cross']
        : ['A -> B SYN seq=100 delay=s1', 'B -> A SYN seq=300 delay=s2', 'deliver s1', 'deliver s2', 'A: SYN_RCVD, B: SYN_RCVD', 'A -> B SYN ACK seq=100 ack=301 delay=s3', 'B -> A SYN ACK seq=300 ack=101 delay=s4', 'deliver s3', 'deliver s4']),
      ...tail,
    );

  it('a simultaneous close: the same findings and end states as delay=/deliver', () => {
    assert.deepEqual(keys(close('cross')), keys(close('delay')));
    assert.deepEqual(keys(close('cross')), []);
    assert.deepEqual(states(close('cross')), states(close('delay')));
  });

  it('a simultaneous open: the same findings and end states as delay=/deliver', () => {
    assert.deepEqual(keys(open('cross')), keys(open('delay')));
    assert.deepEqual(keys(open('cross')), []);
    assert.deepEqual(states(open('cross')), states(open('delay')));
    assert.ok(states(open('cross')).every((s) => s.includes('ESTABLISHED')));
  });

  it('a mistake in a crossing run is found exactly as with delay=/deliver', () => {
    const bad = (t: string) => t.replace('B -> A FIN ACK seq=301 ack=101', 'B -> A FIN ACK seq=301 ack=102');
    assert.deepEqual(keys(bad(close('cross'))).map((k) => k.slice(0, 6)), keys(bad(close('delay'))).map((k) => k.slice(0, 6)));
    assert.ok(keys(bad(close('cross'))).length > 0);
  });

  it('consecutive `cross` lines are one run: four in a row all cross', () => {
    const four = open('cross').replace('A: SYN_RCVD, B: SYN_RCVD\n', '');
    assert.ok(keys(four).some((k) => k.startsWith('TF2001')));
  });

  it('a run ends at the file end: its segments still arrive', () => {
    const text = open('cross');
    assert.deepEqual(states(text), states(open('delay')));
  });

  it('without `cross` the same lines are no crossing (the second SYN meets SYN_RCVD)', () => {
    const plain = open('cross').replace(/ cross/g, '');
    assert.notDeepEqual(keys(plain), []);
  });

  it('the findings-only check and resuming after an edit agree', () => {
    const text = close('cross');
    assert.deepEqual(analyzeFindings(text), analyze(text).findings);
    const first = analyze(text, { checkpointEvery: 1 });
    const edited = text.replace('B -> A FIN ACK seq=301 ack=101 cross', 'B -> A FIN ACK seq=301 ack=101  cross');
    const resumed = analyze(edited, { previous: first, checkpointEvery: 1 });
    const fresh = analyze(edited, { checkpointEvery: 1 });
    assert.deepEqual(resumed.findings, fresh.findings);
    assert.deepEqual(JSON.parse(JSON.stringify(resumed.model.finalStates)), JSON.parse(JSON.stringify(fresh.model.finalStates)));
    assert.deepEqual(JSON.parse(JSON.stringify(resumed.model.events)), JSON.parse(JSON.stringify(fresh.model.events)));
  });

  it('the diagram draws the sends, then the arrivals, noted as crossed', () => {
    const out = renderMermaid(analyze(close('cross'))).text;
    const finA = out.indexOf('A->>B: FIN, ACK');
    const finB = out.indexOf('B->>A: FIN, ACK');
    const waitB = out.indexOf('Note over B: FIN_WAIT_1');
    assert.ok(waitB >= 0 && waitB < finA && finA < finB, out);
    assert.match(out, /crossed in flight \(sent at line 6\)/);
    assert.match(out, /crossed in flight \(sent at line 7\)/);
  });
});

describe('a third party: `attacker M` and `as C` (RFC 5961)', () => {
  const base = (...more: string[]) => lines('client C', 'server S', 'attacker M', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', ...more);
  const finalOf = (text: string) => Object.fromEntries(analyze(text).model.finalStates.map((s) => [s.endpoint, s.state]));

  it('parses `attacker M` and `as C`; `attacker` alone before an arrow is a name', () => {
    const a = analyze(base('M -> S RST seq=1001 as C'));
    assert.equal(a.model.endpoints.find((e) => e.name === 'M')?.role, 'attacker');
    const seg = a.file.statements[a.file.statements.length - 1];
    assert.equal(seg.kind === 'segment' ? seg.as?.text : undefined, 'C');
    const named = analyze(lines('client attacker', 'server S', 'attacker -> S SYN seq=0'));
    assert.deepEqual(named.findings, []);
  });

  it('an RST exactly at RCV.NXT resets S; the real C is untouched', () => {
    const text = base('M -> S RST seq=1001 as C', 'S: CLOSED, C: ESTABLISHED');
    expectFindings(text, []);
    assert.deepEqual(finalOf(text), { C: 'ESTABLISHED', S: 'CLOSED' });
  });

  it('an RST in the window but not exact: TF2008 (challenge ACK), S stays ESTABLISHED', () => {
    const text = base('M -> S RST seq=1500 as C', 'S: ESTABLISHED');
    expectFindings(text, ['TF2008 @ 7:16']);
  });

  it('an RST outside the window is dropped (a warning unless marked)', () => {
    const text = base('M -> S RST seq=900000 as C dropped', 'S: ESTABLISHED, C: ESTABLISHED');
    expectFindings(text, []);
  });

  it('a SYN in the window on a synchronized connection is answered with a challenge ACK (§4)', () => {
    const text = base('M -> S SYN seq=1200 as C dropped', 'S -> C ACK seq=5001 ack=1001', 'S: ESTABLISHED, C: ESTABLISHED');
    expectFindings(text, []);
  });

  it("the spoofed segment leaves C's numbers alone: C carries on with its own", () => {
    expectFindings(base('M -> S ACK seq=1001 ack=5001 as C', 'C -> S ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011'), []);
    // Injected data (RFC 5961 §5): S takes it, C never sent it.
    const injected = analyze(base('M -> S ACK seq=1001 ack=5001 len=50 as C')).model.finalStates;
    assert.equal(injected.find((t) => t.endpoint === 'S')?.rcvNxt, '1051');
    assert.equal(injected.find((t) => t.endpoint === 'C')?.sndNxt, '1001');
  });

  it('drawn from M, labelled "as C"; the hover class names the spoofing', () => {
    const text = base('M -> S RST seq=1001 as C');
    const out = renderMermaid(analyze(text)).text;
    assert.match(out, /M->>S: RST seq=1001 \(as C\)/);
    const ev = analyze(text).model.events.find((e) => e.kind === 'segment' && e.stmt.as);
    assert.equal(ev?.kind === 'segment' ? ev.sendClass : undefined, 'spoofed');
    assert.equal(ev?.kind === 'segment' ? ev.from : undefined, 'M');
  });

  it('sending to itself through a spoofed source is a self segment', () => {
    assert.deepEqual(analyze(lines('client C', 'server S', 'attacker M', 'M -> M RST seq=1 as C')).findings.map((f) => f.code), [analyze(lines('client C', 'C -> C RST seq=1')).findings[0].code]);
  });

  it('the findings-only check agrees, also on a failed assertion after a spoofed segment', () => {
    for (const text of [base('M -> S RST seq=1500 as C', 'S: CLOSED', 'M: ESTABLISHED', 'C: CLOSED'), base('M -> S RST seq=1001 as C', 'C: CLOSED')]) {
      assert.deepEqual(analyzeFindings(text), analyze(text).findings);
    }
  });
});

describe('the accept queue: `acceptq=N` and `S accept`', () => {
  const full = (...more: string[]) =>
    lines('server S acceptq=1', 'client A', 'client B', 'A -> S SYN seq=100', 'S -> A SYN ACK seq=500 ack=101', 'A -> S ACK seq=101 ack=501', 'B -> S SYN seq=200', 'S -> B SYN ACK seq=700 ack=201', ...more);

  it('parses acceptq= and accept [PEER]', () => {
    const a = analyze(lines('server S acceptq=3', 'S accept', 'S accept C'));
    const decl = a.file.statements[0];
    assert.equal(decl.kind === 'endpoint' ? decl.acceptq?.value : undefined, 3);
    assert.deepEqual(a.file.statements.slice(1).map((s) => (s.kind === 'call' ? `${s.call} ${s.peer?.text ?? ''}` : s.kind)), ['accept ', 'accept C']);
  });

  it('a full queue drops the third ACK: TF2011 names the bound, the server stays SYN_RCVD', () => {
    const text = full('B -> S ACK seq=201 ack=701', 'S[B]: SYN_RCVD, B: ESTABLISHED');
    const a = expectFindings(text, ['TF2011 @ 9:3']);
    assert.match(a.findings[0].message, /acceptq=1, 1 established/);
  });

  it("marked 'dropped' it is silent; accept makes room and the retransmitted SYN,ACK completes it", () => {
    expectFindings(full('B -> S ACK seq=201 ack=701 dropped', 'S accept', 'S -> B SYN ACK seq=700 ack=201 rtx dropped', 'B -> S ACK seq=201 ack=701', 'S[B]: ESTABLISHED', 'S accept B'), []);
  });

  it('accepting first leaves room: no drop', () => {
    expectFindings(full('S accept A', 'B -> S ACK seq=201 ack=701', 'S[B]: ESTABLISHED'), []);
  });

  it('accept with nothing in the queue, or of a non-listener, is TF2006', () => {
    expectFindings(lines('server S', 'client A', 'S accept', 'A accept'), ['TF2006 @ 3:3', 'TF2006 @ 4:3']);
    // Taken once, the connection is no longer in the queue.
    expectFindings(full('S accept', 'S accept'), ['TF2006 @ 10:3']);
    // Naming a connection still in SYN_RCVD.
    expectFindings(full('S accept B'), ['TF2006 @ 9:3']);
  });

  it('a connection the peer closed (CLOSE_WAIT) still waits in the queue', () => {
    expectFindings(full('A -> S FIN ACK seq=101 ack=501', 'S -> A ACK seq=501 ack=102', 'B -> S ACK seq=201 ack=701 dropped', 'S accept A', 'S: CLOSE_WAIT'), []);
  });

  it('without acceptq= the queue has no bound; the findings-only check agrees', () => {
    const text = full('B -> S ACK seq=201 ack=701').replace(' acceptq=1', '');
    expectFindings(text, []);
    for (const t of [full('B -> S ACK seq=201 ack=701', 'S[B]: ESTABLISHED'), full('S accept', 'S accept', 'S: CLOSED')]) assert.deepEqual(analyzeFindings(t), analyze(t).findings);
  });
});

describe('the receive buffer: `rcvbuf=N` and `S read [N]` (RFC 9293 §3.8.6, §3.10.3)', () => {
  const filled = (...more: string[]) =>
    lines('client C', 'server S rcvbuf=1000', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', 'C -> S PSH ACK seq=1001 ack=5001 len=1000', ...more);
  const callsOf = (text: string) => analyze(text).file.statements.filter((s) => s.kind === 'call');

  it('parses rcvbuf=, read with a count and a peer in either order, and recv', () => {
    const a = analyze(lines('server S rcvbuf=4096', 'S read', 'S read 10', 'S read 10 C', 'S read C 10', 'S recv 7'));
    const decl = a.file.statements[0];
    assert.equal(decl.kind === 'endpoint' ? decl.rcvbuf?.value : undefined, 4096);
    assert.deepEqual(
      callsOf(a.text).map((s) => (s.kind === 'call' ? `${s.call} ${s.bytes?.value ?? '-'} ${s.peer?.text ?? '-'}` : '')),
      ['read - -', 'read 10 -', 'read 10 C', 'read 10 C', 'read 7 -'],
    );
    // A count on another call is no part of it.
    assert.ok(analyze(lines('client C', 'C close 10')).findings.some((f) => f.code === 'TF1003'));
  });

  it('a window update after a read is legal, and the sender goes on from the probe (§3.8.6.1)', () => {
    expectFindings(filled('S -> C ACK seq=5001 ack=2001 win=0', 'wait RTO', 'C -> S ACK seq=2001 ack=5001 len=1', 'S -> C ACK seq=5001 ack=2001 win=0', 'S read 600', 'S -> C ACK seq=5001 ack=2001 win=600', 'C -> S PSH ACK seq=2001 ack=5001 len=600', 'S -> C ACK seq=5001 ack=2601 win=0'), []);
  });

  it('a window beyond the free space is TF3011 naming the largest window; the peer acts on what was written', () => {
    const a = expectFindings(filled('S -> C ACK seq=5001 ack=2001 win=400', 'C -> S PSH ACK seq=2001 ack=5001 len=400'), ['TF3011 @ 7:34']);
    assert.equal(a.findings[0].expected, '0');
    assert.match(a.findings[0].message, /1000 bytes not yet read, 0 are free; expected win=0/);
    // After a read of 300 the window may say 300, not more.
    const b = expectFindings(filled('S read 300', 'S -> C ACK seq=5001 ack=2001 win=301'), ['TF3011 @ 8:34']);
    assert.equal(b.findings[0].expected, '300');
  });

  it('with window scaling the field is the free space shifted right (RFC 7323 §2.3)', () => {
    const scaled = lines('client C', 'server S rcvbuf=4096', 'C -> S SYN seq=1000 wscale=2', 'S -> C SYN ACK seq=5000 ack=1001 wscale=4 win=4096', 'C -> S ACK seq=1001 ack=5001', 'C -> S PSH ACK seq=1001 ack=5001 len=1024');
    expectFindings(lines(scaled, 'S -> C ACK seq=5001 ack=2025 win=192'), []);
    const a = expectFindings(lines(scaled, 'S -> C ACK seq=5001 ack=2025 win=193'), ['TF3011 @ 8:34']);
    assert.equal(a.findings[0].expected, '192');
  });

  it('an unwritten window is the free space: data beyond it is TF3009 until a read and a window update', () => {
    expectFindings(filled('S -> C ACK seq=5001 ack=2001', 'C -> S PSH ACK seq=2001 ack=5001 len=100'), ['TF3009 @ 8:34']);
    expectFindings(filled('S -> C ACK seq=5001 ack=2001', 'S read', 'S -> C ACK seq=5001 ack=2001', 'C -> S PSH ACK seq=2001 ack=5001 len=1000'), []);
  });

  it('receiver SWS avoidance (§3.8.6.2.2): a small read keeps the right edge; TF3012 names the window that keeps it', () => {
    const full = (...more: string[]) => filled('S -> C ACK seq=5001 ack=2001 win=0', ...more).replace('seq=1000', 'seq=1000 mss=400');
    // min(1000/2, 400) = 400: 100 bytes freed are too few, 400 are enough.
    const a = expectFindings(full('S read 100', 'S -> C ACK seq=5001 ack=2001 win=100'), ['TF3012 @ 9:34']);
    assert.equal(a.findings[0].expected, '0');
    assert.match(a.findings[0].message, /only 100 more bytes are free beyond it.*= 400; expected win=0/);
    expectFindings(full('S read 400', 'S -> C ACK seq=5001 ack=2001 win=400'), []);
    // Unwritten, the window keeps the edge: the 100 freed bytes are not offered.
    expectFindings(full('S read 100', 'S -> C ACK seq=5001 ack=2001', 'C -> S PSH ACK seq=2001 ack=5001 len=100'), ['TF3009 @ 10:34']);
    // Without the MSS option the threshold is min(500, 536) = 500.
    expectFindings(filled('S -> C ACK seq=5001 ack=2001 win=0', 'S read 450', 'S -> C ACK seq=5001 ack=2001 win=450'), ['TF3012 @ 9:34']);
  });

  it('reading more than arrived, or nothing before the FIN, is TF2012 naming RCV.USER; the read takes what there is', () => {
    const a = expectFindings(filled('S read 1500', 'S read 1'), ['TF2012 @ 7:8', 'TF2012 @ 8:8']);
    assert.equal(a.findings[0].expected, '1000');
    assert.match(a.findings[1].message, /RCV\.USER=0/);
    expectFindings(filled('S read', 'S read'), ['TF2012 @ 8:3']);
    // Without rcvbuf= the reads are judged all the same.
    expectFindings(filled('S read 1001').replace(' rcvbuf=1000', ''), ['TF2012 @ 7:8']);
  });

  it('after the FIN, a bare read finds the end of stream; the diagram and the model say what was read', () => {
    const text = filled('C -> S FIN ACK seq=2001 ack=5001', 'S -> C ACK seq=5001 ack=2002 win=0', 'S read 1000', 'S read', 'S: CLOSE_WAIT');
    const a = expectFindings(text, []);
    const reads = a.model.events.filter((e) => e.kind === 'call').map((e) => (e.kind === 'call' ? e.read : undefined));
    assert.deepEqual(reads, [{ bytes: 1000, eof: false }, { bytes: 0, eof: true }]);
    const s = a.model.finalStates.find((v) => v.endpoint === 'S')!;
    assert.equal(s.rcvUser, 0);
    assert.equal(s.rcvBuf, 1000);
    const en = renderMermaid(a).text;
    assert.match(en, /Note over S: reads 1000 bytes \(1000 of 1000 free\)/);
    assert.match(en, /Note over S: reads end of stream \(EOF\)/);
    assert.match(renderMermaid(analyze(text, { locale: 'zh-cn' })).text, /应用读取 1000 字节/);
  });

  it('a read with no connection is TF2006 (§3.10.3); the findings-only check and a resumed one agree', () => {
    expectFindings(lines('client C', 'server S', 'C read', 'S read 5'), ['TF2006 @ 3:3', 'TF2006 @ 4:3']);
    const texts = [filled('S -> C ACK seq=5001 ack=2001 win=400', 'S read 1500', 'S read', 'S -> C ACK seq=5001 ack=2001 win=1000', 'C: ESTABLISHED'), filled('S read 10', 'S: CLOSED')];
    for (const t of texts) for (const locale of ['en', 'zh-cn'] as const) assert.deepEqual(analyzeFindings(t, { locale }), analyze(t, { locale }).findings);
    // Resuming after an edit above the reads: the read pointer is part of the TCB the checkpoints copy.
    const before = filled('S read 300', 'S -> C ACK seq=5001 ack=2001 win=300', 'S read 700', 'S -> C ACK seq=5001 ack=2001 win=1000');
    const after = before.replace('S read 300', 'S read 200');
    const resumed = analyze(after, { checkpointEvery: 1, previous: analyze(before, { checkpointEvery: 1 }) });
    const fresh = analyze(after, { checkpointEvery: 1 });
    assert.deepEqual(resumed.findings, fresh.findings);
    assert.deepEqual(JSON.parse(JSON.stringify(resumed.model.finalStates)), JSON.parse(JSON.stringify(fresh.model.finalStates)));
    assert.deepEqual(fresh.findings.map((f) => f.code), ['TF3011', 'TF3011']);
  });
});

describe('a socket connected to itself: one endpoint, one TCB (RFC 9293 §3.5 Figure 7, §3.6 Figure 13)', () => {
  const self = (...more: string[]) =>
    lines('client C 127.0.0.1:47123', 'C -> C SYN seq=0', 'C -> C SYN ACK seq=0 ack=1', 'C -> C ACK seq=1 ack=1 "echo"', 'C -> C ACK seq=5 ack=5', ...more);
  const close = self('C -> C FIN ACK seq=5 ack=5', 'C: CLOSING', 'C -> C ACK seq=6 ack=6', 'C: TIME_WAIT');

  it('opens with itself and closes through CLOSING, one TCB that is its own peer', () => {
    const a = analyze(close);
    assert.deepEqual(a.findings, []);
    assert.deepEqual(a.model.finalStates.map((v) => `${v.endpoint}/${v.peer} ${v.state}`), ['C/C TIME_WAIT']);
    const seg = a.model.events.filter((e) => e.kind === 'segment');
    // The sender's TCB after the send is the receiver's before the arrival.
    for (const e of seg) if (e.kind === 'segment') assert.equal(e.deliveries[0].before.state, e.send.after.state);
  });

  it('judges its numbers against the one TCB: its SYN,ACK acknowledges its own SYN', () => {
    expectFindings(lines('client C 127.0.0.1:47123', 'C -> C SYN seq=0', 'C -> C SYN ACK seq=0 ack=2'), ['TF3010 @ 3:26']);
    // Its data arrived at itself: RCV.NXT moved past the 4 bytes, so its next ack is 5.
    expectFindings(lines('client C 127.0.0.1:47123', 'C -> C SYN seq=0', 'C -> C SYN ACK seq=0 ack=1', 'C -> C ACK seq=1 ack=1 "echo"', 'C -> C ACK seq=5 ack=1'), ['TF3001 @ 5:22']);
  });

  it('is TF4003 without an address and port, or through a spoofed source', () => {
    assert.deepEqual(analyze(lines('client C 127.0.0.1', 'C -> C SYN seq=0')).findings.map((f) => f.code), ['TF4003']);
    assert.deepEqual(analyze(lines('client C', 'C -> C SYN seq=0')).findings.map((f) => f.code), ['TF4003']);
  });

  it('draws a message to itself, and the findings-only check and a resumed check agree', () => {
    assert.match(renderMermaid(analyze(close)).text, /C->>C: SYN seq=0/);
    assert.deepEqual(analyzeFindings(close), analyze(close).findings);
    const broken = close.replace('ack=6', 'ack=7');
    assert.deepEqual(analyzeFindings(broken), analyze(broken).findings);
    assert.deepEqual(analyze(broken, { previous: analyze(close) }).findings, analyze(broken).findings);
  });
});
