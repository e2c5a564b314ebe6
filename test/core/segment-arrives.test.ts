/**
 * Cases RFC 9293 decides that the checker once got wrong (issue 12): silence on classic
 * mistakes, alarms on legal TCP, and a state model that did not follow §3.10.7. Each names the
 * expected value and where the finding goes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, SegmentEvent } from '../../src/core/index';
import { applyFix, established, expectFindings, expectNoFindings, lines, strayEnglish } from '../helpers';

const finding = (text: string, code: string) => {
  const f = analyze(text).findings.find((x) => x.code === code);
  assert.ok(f, `expected ${code}`);
  return f;
};
const segments = (text: string): SegmentEvent[] => analyze(text).model.events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('SYN_SENT -> ESTABLISHED: the third segment of the handshake (RFC 9293 §3.4, §3.5)', () => {
  it('seq written as the ISN (symbolic) -> wrong seq, expected x+1, fixed by the quick fix', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x ack=y+1', 'C: ESTABLISHED, S: ESTABLISHED');
    expectFindings(text, ['TF3002 @ 5:16']);
    const f = finding(text, 'TF3002');
    assert.equal(f.expected, 'x+1');
    assert.match(f.message, /seq should be x\+1/);
    assert.match(f.message, /RFC 9293 §3\.4/);
    expectNoFindings(applyFix(text, f.fix!.edits));
  });
  it('seq written as the ISN (numbers) -> wrong seq, expected 1001', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1000 ack=5001', 'C -> S ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011');
    expectFindings(text, ['TF3002 @ 5:16']);
    assert.equal(finding(text, 'TF3002').expected, '1001');
    expectNoFindings(applyFix(text, finding(text, 'TF3002').fix!.edits));
  });
  it('a keep-alive with the ISN as seq after the handshake is still a keep-alive (§3.8.4)', () => {
    const text = established('wait 2h', 'C -> S ACK seq=1000 ack=5001', 'S -> C ACK seq=5001 ack=1001');
    expectNoFindings(text);
    assert.equal(segments(text)[3].sendClass, 'keepalive');
  });
});

describe('ESTABLISHED: a segment without the ACK flag (RFC 9293 §3.10.7.4 fifth)', () => {
  it('data without ACK -> error naming the ack, fixed by adding ACK', () => {
    const text = established('C -> S PSH seq=1001 len=10', 'S -> C ACK seq=5001 ack=1011');
    expectFindings(text, ['TF2010 @ 6:8']);
    const f = finding(text, 'TF2010');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /ack=5001/);
    assert.match(f.message, /RFC 9293 §3\.10\.7\.4/);
    expectNoFindings(applyFix(text, f.fix!.edits));
  });
  it('FIN without ACK -> error, fixed by adding ACK', () => {
    const text = established('C -> S FIN seq=1001', 'S -> C ACK seq=5001 ack=1002', 'C: FIN_WAIT_2, S: CLOSE_WAIT');
    expectFindings(text, ['TF2010 @ 6:8']);
    expectNoFindings(applyFix(text, finding(text, 'TF2010').fix!.edits));
  });
  it('a segment with no flags at all -> the same error, fixed by adding ACK', () => {
    const text = established('C -> S seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011');
    expectFindings(text, ['TF3005 @ 6:17']);
  });
  it('bit-style flags get ACK=1', () => {
    const text = established('C -> S FIN=1, seq=1001', 'S -> C ACK seq=5001 ack=1002');
    const f = finding(text, 'TF2010');
    expectNoFindings(applyFix(text, f.fix!.edits));
    assert.match(applyFix(text, f.fix!.edits), /FIN=1, ACK=1, seq=1001 ack=5001/);
  });
  it('RST without ACK stays legal', () => {
    expectNoFindings(established('C -> S RST seq=1001', 'C: CLOSED, S: CLOSED'));
  });
});

describe('LISTEN -> SYN_RCVD: data on a SYN without TCP Fast Open (RFC 9293 §3.10.7.2, §3.10.7.3)', () => {
  const synWithData = (...more: string[]) => lines('client C', 'server S', 'C -> S SYN seq=1000 len=10', ...more);
  it('the SYN,ACK acknowledges only the SYN, the client sends the bytes again: only the SYN note', () => {
    const text = synWithData('S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011', 'C: ESTABLISHED, S: ESTABLISHED');
    expectFindings(text, ['TF3008 @ 3:21']);
    assert.equal(segments(text)[2].sendClass, 'retransmission');
  });
  it('the SYN,ACK acknowledges only the SYN, a bare third ACK, then the bytes again', () => {
    expectFindings(synWithData('S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1011 ack=5001', 'S -> C ACK seq=5001 ack=1001', 'C -> S ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011'), ['TF3008 @ 3:21']);
  });
  it('the SYN,ACK may not acknowledge the data without a Fast Open cookie: expected 1001 (RFC 7413 §4.2.2)', () => {
    const text = synWithData('S -> C SYN ACK seq=5000 ack=1011');
    expectFindings(text, ['TF3008 @ 3:21', 'TF3001 @ 4:29']);
    assert.equal(finding(text, 'TF3001').expected, '1001');
  });
  it('with a Fast Open cookie the SYN,ACK acknowledges the data as well (RFC 7413 §4.2.2)', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=1000 len=10 tfo=0x1f2e3d4c', 'S -> C SYN ACK seq=5000 ack=1011', 'C -> S ACK seq=1011 ack=5001', 'C -> S ACK seq=1011 ack=5001 len=5', 'S -> C ACK seq=5001 ack=1016');
    expectFindings(text, []);
  });
  it('an ack inside the SYN data is still wrong: expected 1001', () => {
    const text = synWithData('S -> C SYN ACK seq=5000 ack=1005');
    expectFindings(text, ['TF3008 @ 3:21', 'TF3001 @ 4:29']);
    assert.equal(finding(text, 'TF3001').expected, '1001');
  });
});

describe('ESTABLISHED: zero-window probing (RFC 9293 §3.8.6.1)', () => {
  const zeroWindow = (...more: string[]) => established('S -> C ACK seq=5001 ack=1001 win=0', 'C -> S ACK seq=1001 ack=5001 len=1', 'S -> C ACK seq=5001 ack=1001 win=0', ...more);
  it('the probe is not taken; after the window update the sender sends from SND.UNA again: no findings', () => {
    const text = zeroWindow('S -> C ACK seq=5001 ack=1001 win=1000', 'C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1101');
    expectNoFindings(text);
    const segs = segments(text);
    assert.equal(segs[4].sendClass, 'window-probe');
    assert.equal(segs[7].sendClass, 'retransmission');
  });
  it('the probe sent again while the window stays shut, then the data', () => {
    expectNoFindings(zeroWindow('C -> S ACK seq=1001 ack=5001 len=1', 'S -> C ACK seq=5001 ack=1001 win=0', 'S -> C ACK seq=5001 ack=1001 win=1000', 'C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1101'));
  });
  it('data from SND.UNA beyond SND.NXT without a probe is still a wrong seq, expected 1011', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=10 lost', 'C -> S ACK seq=1001 ack=5001 len=20');
    expectFindings(text, ['TF3002 @ 7:16']);
    assert.equal(finding(text, 'TF3002').expected, '1011');
  });
});

describe('SYN_SENT: an unacceptable ACK (RFC 9293 §3.10.7.3 first)', () => {
  const badAck = (...more: string[]) => lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=999', ...more);
  it('answered with RST seq=SEG.ACK: the client stays SYN_SENT (model and assertion)', () => {
    const text = badAck('C -> S RST seq=999 dropped', 'C: SYN_SENT');
    const a = expectFindings(text, ['TF3001 @ 4:29']);
    const segs = a.model.events.filter((e): e is SegmentEvent => e.kind === 'segment');
    const synAck = segs[1].deliveries[0];
    assert.equal(synAck.after.state, 'SYN_SENT');
    assert.equal(synAck.outcome, 'rst');
    assert.match(synAck.note ?? '', /ack=1001/);
    assert.equal(segs[2].send.before.state, 'SYN_SENT');
    assert.equal(segs[2].send.after.state, 'SYN_SENT');
    assert.equal(segs[2].sendClass, 'rst-reply');
  });
  it('the RST with the wrong seq: expected seq=999 (SEG.ACK)', () => {
    const text = badAck('C -> S RST seq=1001 dropped', 'C: SYN_SENT');
    expectFindings(text, ['TF3001 @ 4:29', 'TF3002 @ 5:16']);
    assert.equal(finding(text, 'TF3002').expected, '999');
  });
  it('then the server resends its SYN,ACK and the handshake completes', () => {
    expectFindings(badAck('C -> S RST seq=999 dropped', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', 'C: ESTABLISHED, S: ESTABLISHED'), ['TF3001 @ 4:29']);
  });
  it('a typo in the ack, the flow going on as if right: one finding, ESTABLISHED', () => {
    expectFindings(badAck('C -> S ACK seq=1001 ack=5001', 'C: ESTABLISHED, S: ESTABLISHED'), ['TF3001 @ 4:29']);
  });
  it('the same in the findings-only check', async () => {
    const { analyzeFindings } = await import('../../src/core/index');
    for (const text of [badAck('C -> S RST seq=999 dropped', 'C: SYN_SENT'), badAck('C -> S RST seq=1001 dropped', 'C: ESTABLISHED')]) {
      for (const piece of [0, undefined]) assert.deepEqual(analyzeFindings(text, { piece }), analyze(text).findings);
    }
  });
});

describe('CLOSED: a lone RST after the close (RFC 9293 §3.5.2)', () => {
  const closed = (...more: string[]) => established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', 'S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002', 'wait 2MSL', 'C: CLOSED, S: CLOSED', ...more);
  it('an RST nothing asked for from a CLOSED endpoint -> cannot send, citing §3.5.2', () => {
    const text = closed('C -> S RST seq=1002');
    expectFindings(text, ['TF2001 @ 12:8']);
    assert.match(finding(text, 'TF2001').message, /RFC 9293 §3\.5\.2/);
  });
  it('the same from a server back in LISTEN -> cannot send', () => {
    expectFindings(closed('S -> C RST seq=5002'), ['TF2001 @ 12:8']);
  });
  it('is drawn in the teardown, not in a handshake', async () => {
    const { renderMermaid } = await import('../../src/core/render/mermaid');
    const out = renderMermaid(analyze(closed('C -> S RST seq=1002'))).text;
    assert.equal(out.match(/: Handshake/g)?.length, 1, out);
  });
  it('an RST that answers a segment to a CLOSED endpoint stays legal', () => {
    expectNoFindings(closed('S -> C ACK seq=5001 ack=1002 len=5 old', 'C -> S RST seq=1002 dropped'));
  });
  it('abort, then its RST, stays legal (§3.10.5)', () => {
    expectNoFindings(established('C abort', 'C -> S RST seq=1001', 'C: CLOSED, S: CLOSED'));
  });
  it('an RST answering a listener-less SYN is drawn in the handshake', async () => {
    const { renderMermaid } = await import('../../src/core/render/mermaid');
    const text = lines('client C', 'endpoint S CLOSED', 'C -> S SYN seq=1000', 'S -> C RST ACK seq=0 ack=1001', 'C: CLOSED');
    expectNoFindings(text);
    assert.match(renderMermaid(analyze(text)).text, /: Handshake/);
  });
});

describe('SYN data sent again with more after it (RFC 9293 §3.10.7.2, §3.8.6 repackaging)', () => {
  it('the SYN,ACK took only the SYN; the client sends the 10 bytes and 20 more in one segment', () => {
    expectFindings(lines('client C', 'server S', 'C -> S SYN seq=1000 len=10', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001 len=30', 'S -> C ACK seq=5001 ack=1031'), ['TF3008 @ 3:21']);
  });
});

describe('messages in Chinese hold no English words besides names', () => {
  it('data after a FIN is "10 字节", a flagless segment "无标志的报文段"', () => {
    const zh = (text: string) => analyze(text, { locale: 'zh-cn' }).findings.map((f) => f.message);
    const afterFin = zh(established('C -> S FIN ACK seq=1001 ack=5001', 'C -> S ACK seq=1002 ack=5001 len=10'));
    assert.ok(afterFin.some((m) => m.includes('ACK,10 字节')), afterFin.join(' | '));
    for (const m of afterFin) assert.deepEqual(strayEnglish(m, new Set(['C', 'S'])), [], m);
    const bare = zh(lines('client C', 'server S', 'C -> S seq=1'));
    assert.ok(bare.some((m) => m.includes('无标志的报文段')), bare.join(' | '));
  });
  it('TLS and HTTP findings name their rule and say their reason in Chinese', () => {
    const http = analyze(established('C -> S ACK seq=1001 ack=5001 len=10 http "GET / HTTP/1.0"', 'S -> C ACK seq=5001 ack=1011 len=10 http "HTTP/1.0 200 OK"', 'C -> S ACK seq=1011 ack=5011 len=10 http "GET /2 HTTP/1.0"'), { locale: 'zh-cn' }).findings;
    assert.match(http[0].message, /HTTP\/1\.0 或 Connection: close.*RFC 9112 §9\.3/);
  });
});

describe('syntax findings in Chinese', () => {
  it('say what was expected in Chinese', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=', 'wait', 'C -> S SYN win', 'C -> S SYN=2');
    const zh = analyze(text, { locale: 'zh-cn' }).findings.map((f) => f.message);
    assert.ok(zh.some((m) => m.includes('数字或名称') && m.includes('行尾')), zh.join(' | '));
    assert.ok(zh.some((m) => m.includes('时长（2MSL、30s、200ms、RTO）')), zh.join(' | '));
    assert.ok(zh.some((m) => m.includes("win 后的 '='")), zh.join(' | '));
    assert.ok(zh.some((m) => m.includes('SYN 标志的 0 或 1')), zh.join(' | '));
    for (const m of zh) assert.deepEqual(strayEnglish(m, new Set(['C', 'S'])), [], m);
  });
});

describe('SYN_RCVD: another SYN after a passive OPEN (RFC 9293 §3.10.7.4 fourth)', () => {
  const halfOpen = (...more: string[]) => lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001 lost', 'C abort', ...more);
  it('returns the listener to LISTEN; the new SYN, sent again, opens the connection', () => {
    const text = halfOpen('C -> S SYN seq=3000 dropped', 'S: LISTEN', 'C -> S SYN seq=3000', 'S -> C SYN ACK seq=7000 ack=3001', 'C -> S ACK seq=3001 ack=7001', 'C: ESTABLISHED, S: ESTABLISHED');
    expectNoFindings(text);
  });
  it('unmarked, the refused SYN is a warning naming LISTEN', () => {
    const text = halfOpen('C -> S SYN seq=3000');
    expectFindings(text, ['TF2002 @ 6:8']);
    assert.match(finding(text, 'TF2002').message, /LISTEN/);
  });
  it('the peer retransmitting the same SYN is answered with the SYN,ACK again', () => {
    expectNoFindings(lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001 lost', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', 'C: ESTABLISHED, S: ESTABLISHED'));
  });
});

describe('user calls (RFC 9293 §3.10.4, §3.10.5)', () => {
  it('ABORT in TIME_WAIT sends no RST: an RST after it is TF2001', () => {
    const text = established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', 'S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002', 'C: TIME_WAIT', 'C abort', 'C -> S RST seq=1002');
    expectFindings(text, ['TF2001 @ 12:8']);
  });
  it('ABORT in CLOSE_WAIT sends its RST', () => {
    expectNoFindings(established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', 'S abort', 'S -> C RST seq=5001', 'C: CLOSED, S: CLOSED'));
  });
  it('CLOSE in FIN_WAIT_2 fails: connection closing', () => {
    const text = established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', 'C close');
    expectFindings(text, ['TF2006 @ 8:3']);
    assert.match(finding(text, 'TF2006').message, /RFC 9293 §3\.10\.4/);
  });
});

describe('ESTABLISHED: the send window and SND.WL1/SND.WL2 (RFC 9293 §3.10.7.4 fifth)', () => {
  it('an older segment delivered late does not shut the window a newer one opened', () => {
    const text = established('S -> C ACK seq=5001 ack=1001 len=10 win=0 delay=old', 'S -> C ACK seq=5011 ack=1001 win=1000', 'deliver old', 'C -> S ACK seq=1001 ack=5011 len=100', 'S -> C ACK seq=5011 ack=1101');
    expectNoFindings(text);
    const c = segments(text)[4].deliveries[0].after;
    assert.equal(c.sndWnd, 1000);
  });
  it('a newer segment that shuts the window does shut it', () => {
    expectFindings(established('S -> C ACK seq=5001 ack=1001 win=1000', 'S -> C ACK seq=5001 ack=1001 len=10 win=0', 'C -> S ACK seq=1001 ack=5011 len=100'), ['TF3009 @ 8:30', 'TF2002 @ 8:8']);
  });
});

describe('SYN_SENT -> SYN_RCVD: data on the peer SYN of a simultaneous open (RFC 9293 §3.10.7.3 fourth)', () => {
  it('the SYN,ACK acknowledges only the SYN; the peer sends its bytes again (Linux, packetdrill simultaneous-fast-open)', () => {
    const text = lines('endpoint A CLOSED', 'endpoint B CLOSED', 'A -> B SYN seq=100 delay=a', 'B -> A SYN seq=300 len=50 delay=b', 'deliver a', 'deliver b', 'A -> B SYN ACK seq=100 ack=301 delay=c', 'B -> A SYN ACK seq=300 ack=101 delay=d', 'deliver c', 'deliver d', 'B -> A ACK seq=301 ack=101 len=50', 'A -> B ACK seq=101 ack=351', 'A: ESTABLISHED, B: ESTABLISHED');
    expectFindings(text, ['TF3008 @ 4:20']);
  });
});

describe('SYN_SENT: an unacceptable ACK the notes assert was refused', () => {
  const badAck = (...more: string[]) => lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=999', ...more);
  it('"C: SYN_SENT" right after it holds; the RST then expected is seq=999', () => {
    const text = badAck('C: SYN_SENT', 'C -> S RST seq=999 dropped', 'C: SYN_SENT');
    const a = expectFindings(text, ['TF3001 @ 4:29']);
    const synAck = a.model.events.filter((e): e is SegmentEvent => e.kind === 'segment')[1].deliveries[0];
    assert.equal(synAck.after.state, 'SYN_SENT');
  });
  it('a later failed assertion names the refused arrival the same way in the findings-only check', async () => {
    const { analyzeFindings } = await import('../../src/core/index');
    const text = badAck('C: SYN_SENT', 'C: ESTABLISHED');
    const full = analyze(text).findings;
    assert.deepEqual(full.map((f) => f.code), ['TF3001', 'TF2003']);
    assert.match(full[1].message, /C SYN_SENT/);
    for (const piece of [0, undefined]) assert.deepEqual(analyzeFindings(text, { piece }), full);
  });
});
