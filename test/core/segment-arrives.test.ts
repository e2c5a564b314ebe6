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
    const text = established('C -> S PSH seq=1001 len=10');
    expectFindings(text, ['TF2010 @ 6:8']);
    const f = finding(text, 'TF2010');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /ack=5001/);
    assert.match(f.message, /RFC 9293 §3\.10\.7\.4/);
    expectNoFindings(applyFix(text, f.fix!.edits));
  });
  it('the receiver drops it ("drop the segment and return"): its next ACK, written as it saw it, gets no finding', () => {
    // One mistake, one finding: S's ACK acknowledges only what it took (RCV.NXT unchanged).
    expectFindings(established('C -> S PSH seq=1001 len=10', 'S -> C ACK seq=5001 ack=1001', 'C -> S PSH ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1011'), ['TF2010 @ 6:8']);
  });
  it('FIN without ACK -> error, fixed by adding ACK; the receiver drops it', () => {
    const text = established('C -> S FIN seq=1001', 'C: FIN_WAIT_1, S: ESTABLISHED');
    expectFindings(text, ['TF2010 @ 6:8']);
    expectNoFindings(applyFix(established('C -> S FIN seq=1001'), finding(text, 'TF2010').fix!.edits));
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
  it('unmarked too: legal TCP, no warning, and the listener is LISTEN (the conformance flow of §3.10.7.4 fourth)', () => {
    expectNoFindings(halfOpen('C -> S SYN seq=3000', 'S: LISTEN'));
    expectFindings(halfOpen('C -> S SYN seq=3000', 'S: SYN_RCVD'), ['TF2003 @ 7:4']);
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
    expectFindings(established('S -> C ACK seq=5001 ack=1001 win=1000', 'S -> C ACK seq=5001 ack=1001 len=10 win=0', 'C -> S ACK seq=1001 ack=5011 len=100'), ['TF3009 @ 8:30']);
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

describe('LISTEN: a segment without ACK, SYN or RST (RFC 9293 §3.10.7.2 fourth)', () => {
  it('is dropped by the listener, and the sender is not told to add ACK (the fifth check of §3.10.7.4 is for synchronized states)', () => {
    expectNoFindings(lines('endpoint C ESTABLISHED', 'server S', 'C -> S FIN seq=400 dropped', 'S: LISTEN'));
  });
  it('the same segment to a synchronized peer still gets TF2010', () => {
    expectFindings(lines('endpoint C ESTABLISHED', 'endpoint S ESTABLISHED', 'C -> S FIN seq=400', 'S: ESTABLISHED'), ['TF2010 @ 3:8']);
  });
});

describe('the listener\'s receive window is scaled (RFC 7323 §2.2, §2.3; RFC 9293 §3.10.7.4 first)', () => {
  const flow = (synScale: string, synAckScale: string) =>
    lines(
      'client C',
      'server S',
      `C -> S SYN seq=1000 win=65535${synScale}`,
      `S -> C SYN ACK seq=5000 ack=1001 win=65535${synAckScale}`,
      'C -> S ACK seq=1001 ack=5001 win=512',
      'S -> C ACK seq=5001 ack=1001 win=100',
      'C -> S ACK seq=1001 ack=5001 len=1000 win=512 delay=a',
      'C -> S ACK seq=2001 ack=5001 len=1000 win=512',
      'deliver a',
      'S -> C ACK seq=5001 ack=3001 win=100',
    );
  it('both SYNs carry wscale=7: win=100 is 12800 bytes, the segment that overtakes another is in the window and held', () => {
    expectNoFindings(flow(' wscale=7', ' wscale=7'));
  });
  it('the SYN,ACK without the option: no scaling either way, win=100 is 100 bytes', () => {
    const a = analyze(flow(' wscale=7', ''));
    assert.ok(a.findings.some((f) => f.code === 'TF3009' && /ends at 1101/.test(f.message)));
  });
  it('the SYN without the option: no scaling, even if the SYN,ACK carries one', () => {
    const a = analyze(flow('', ' wscale=7'));
    assert.ok(a.findings.some((f) => f.code === 'TF3009' && /ends at 1101/.test(f.message)));
  });
});

describe('a challenge ACK written as the next segment (RFC 5961 §3.2, §4.2; RFC 9293 §3.10.7.4)', () => {
  const both = async (text: string, codes: string[]) => {
    const { analyzeFindings } = await import('../../src/core/index');
    const full = analyze(text).findings;
    assert.deepEqual(full.map((f) => f.code), codes);
    for (const piece of [0, undefined]) assert.deepEqual(analyzeFindings(text, { piece }), full);
  };
  it('an in-window RST not at RCV.NXT, answered by <SEQ=SND.NXT><ACK=RCV.NXT>: no TF2008', async () => {
    await both(established('C -> S ACK seq=1001 ack=5001 len=100 lost', 'C abort', 'C -> S RST seq=1101', 'S -> C ACK seq=5001 ack=1001', 'S: ESTABLISHED', 'C -> S RST seq=1001', 'S: CLOSED'), []);
  });
  it('without the challenge ACK in the flow the RST still gets TF2008', async () => {
    await both(established('C -> S ACK seq=1001 ack=5001 len=100 lost', 'C abort', 'C -> S RST seq=1101', 'S: ESTABLISHED'), ['TF2008']);
  });
  it('a SYN on an established connection answered by the challenge ACK: no TF2002; a wrong ack on it is the one finding', async () => {
    await both(established('S -> C ACK seq=5001 ack=1001 len=300', 'C -> S SYN seq=1000 old', 'S -> C ACK seq=5301 ack=1001', 'S: ESTABLISHED'), []);
    await both(established('S -> C ACK seq=5001 ack=1001 len=300', 'C -> S SYN seq=1000 old', 'S -> C ACK seq=5301 ack=1000', 'S: ESTABLISHED'), ['TF3001']);
    await both(established('S -> C ACK seq=5001 ack=1001 len=300', 'C -> S SYN seq=1000 old', 'S: ESTABLISHED'), ['TF2002']);
  });
});

describe('half-open discovery, Figure 9 (RFC 9293 §3.5.1)', () => {
  it('a SYN reaching an endpoint declared ESTABLISHED tells it nothing about RCV.NXT; the RST answering its ACK closes it', () => {
    expectNoFindings(lines('client A', 'endpoint B ESTABLISHED', 'A -> B SYN seq=400', 'B -> A ACK seq=300 ack=100', 'A -> B RST seq=100', 'B: CLOSED'));
  });
  it('the RST written with another seq: TF3002 naming SEG.ACK and §3.10.7.3, no double space', () => {
    const text = lines('client A', 'endpoint B ESTABLISHED', 'A -> B SYN seq=400', 'B -> A ACK seq=300 ack=100', 'A -> B RST seq=400', 'B: CLOSED');
    const f = finding(text, 'TF3002');
    assert.equal(f.expected, '100');
    assert.match(f.message, /SEG\.ACK/);
    assert.match(f.message, /RFC 9293 §3\.10\.7\.3/);
    assert.doesNotMatch(f.message, / {2}/);
  });
});

describe('ABORT\'s reset is <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5)', () => {
  it('written below SND.NXT: TF3002 at the sender naming SND.NXT and §3.10.5, nothing at the receiver', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=200', 'S -> C ACK seq=5001 ack=1201', 'C abort', 'C -> S RST seq=1001', 'S: CLOSED');
    expectFindings(text, ['TF3002 @ 9:16']);
    const f = finding(text, 'TF3002');
    assert.equal(f.expected, '1201');
    assert.match(f.message, /RFC 9293 §3\.10\.5/);
  });
});

describe('one mistake, one finding: the receiver does not report what the sender was told (ARCHITECTURE invariant 8)', () => {
  it('data from a CLOSED endpoint to a listener: TF2001 at the sender, no TF2002 (RFC 9293 §3.10.2)', () => {
    expectFindings(lines('client C', 'server S', 'C -> S ACK seq=100 ack=200 len=20'), ['TF2001 @ 3:8']);
  });
  it('data beyond the window: TF3009 alone (RFC 9293 §3.8.6.1)', () => {
    expectFindings(established('S -> C ACK seq=5001 ack=1001 win=0', 'C -> S ACK seq=1001 ack=5001 len=1000'), ['TF3009 @ 7:30']);
  });
  it('an owed RST replaced by another segment: TF2001 there, naming the rule that owes the RST, and no TF2002 on the segment before', () => {
    const text = lines('endpoint C ESTABLISHED', 'endpoint S CLOSED', 'C -> S ACK seq=100 ack=3001 len=100', 'S -> C ACK seq=3001 ack=200');
    expectFindings(text, ['TF2001 @ 4:8']);
    const f = finding(text, 'TF2001');
    assert.match(f.message, /RST/);
    assert.match(f.message, /RFC 9293 §3\.10\.7\.1/);
  });
  it('an endpoint declared ESTABLISHED may abort before its first segment (RFC 9293 §3.10.5); its RST at a CLOSED peer is discarded (§3.10.7.1)', () => {
    expectNoFindings(lines('endpoint C ESTABLISHED', 'endpoint S CLOSED', 'C abort', 'C -> S RST seq=5000', 'S: CLOSED, C: CLOSED'));
  });
});

describe('FINs (RFC 9293 §3.10.4, §3.10.7.4 TIME-WAIT)', () => {
  it('a FIN written below SND.NXT, with no FIN sent before, is no retransmission: TF3002 naming SND.NXT', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=300', 'C close', 'C -> S FIN ACK seq=1001 ack=5001');
    expectFindings(text, ['TF3002 @ 8:20']);
    assert.equal(finding(text, 'TF3002').expected, '1301');
  });
  it('a FIN from SYN_RCVD written with the ISS: TF3002 naming ISS+1', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'S close', 'S -> C FIN ACK seq=y ack=x+1');
    expectFindings(text, ['TF3002 @ 6:20']);
    assert.equal(finding(text, 'TF3002').expected, 'y+1');
  });
  it('a second FIN after the first was acknowledged: TF2001; the first one again is a retransmission', () => {
    const base = ['client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1', 'C close', 'C -> S FIN ACK seq=x+1 ack=y+1', 'S -> C ACK seq=y+1 ack=x+2'];
    expectFindings(lines(...base, 'C -> S FIN ACK seq=x+2 ack=y+1'), ['TF2001 @ 9:8']);
    expectNoFindings(lines(...base.slice(0, 7), 'C -> S FIN ACK seq=x+1 ack=y+1 rtx', 'S -> C ACK seq=y+1 ack=x+2'));
  });
  it('the remote FIN again in TIME-WAIT restarts the 2 MSL timer', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1', 'msl 30s', 'C close', 'C -> S FIN ACK seq=x+1 ack=y+1', 'S -> C FIN ACK seq=y+1 ack=x+2', 'C -> S ACK seq=x+2 ack=y+2 lost', 'wait 40s', 'S -> C FIN ACK seq=y+1 ack=x+2 rtx', 'C -> S ACK seq=x+2 ack=y+2', 'wait 40s', 'C: TIME_WAIT', 'wait 20s', 'C: CLOSED');
    expectNoFindings(text);
  });
});

describe('messages say what they mean', () => {
  it('a wrong ack on an RST answering a segment without ACK names <ACK=SEG.SEQ+SEG.LEN> and §3.10.7.1, never an empty reason', () => {
    const f = finding(lines('client C', 'endpoint S CLOSED', 'C -> S SYN seq=100', 'S -> C RST ACK seq=0 ack=100'), 'TF3001');
    assert.equal(f.expected, '101');
    assert.match(f.message, /SEG\.SEQ\+SEG\.LEN/);
    assert.match(f.message, /RFC 9293 §3\.10\.7\.1/);
    assert.doesNotMatch(f.message, /: {2}|: \(/);
  });
  it('a failed call names itself once ("\'open\' fails", not "\'open\' open fails")', () => {
    const f = finding(established('C open'), 'TF2006');
    assert.match(f.message, /'open' fails: the connection already exists/);
  });
  it('one byte is "1 byte"', () => {
    const f = finding(lines('client C', 'server S', 'C -> S ACK seq=100 ack=200 len=1'), 'TF2001');
    assert.match(f.message, /ACK,1 byte:/);
  });
});

describe('an RST answering an unacceptable ACK already reported is judged by that finding alone (RFC 9293 §3.10.7.3 first)', () => {
  it('the SYN,ACK with a wrong ack gets TF3010; the client\'s <SEQ=SEG.ACK><CTL=RST> gets nothing at the server', async () => {
    const { analyzeFindings } = await import('../../src/core/index');
    const text = lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1500', 'C -> S RST seq=1500', 'C: SYN_SENT');
    expectFindings(text, ['TF3010 @ 4:29']);
    for (const piece of [0, undefined]) assert.deepEqual(analyzeFindings(text, { piece }), analyze(text).findings);
  });
});

describe('CLOSED: an incoming RST is discarded, never answered (RFC 9293 §3.10.7.1)', () => {
  it('an RST sent in reply to it is TF2001 naming §3.10.7.1', () => {
    const text = lines('endpoint C ESTABLISHED', 'endpoint S CLOSED', 'C abort', 'C -> S RST seq=5000', 'S -> C RST seq=0');
    expectFindings(text, ['TF2001 @ 5:8']);
    assert.match(finding(text, 'TF2001').message, /discarded, never answered \(RFC 9293 §3\.10\.7\.1\)/);
  });
});
