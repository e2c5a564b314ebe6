/**
 * A capture is one point on the path: flows imported from one (or written like one) show segments
 * in the order that point saw them, may start in the middle of a connection, and miss what was
 * not captured. Each case here is one of the checker's old misreadings of such a flow
 * (docs/wireshark.md, "Agreement on the corpus"), written by hand so that it cannot come back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, SegmentEvent } from '../../src/core/index';
import { established, expectFindings, expectNoFindings, lines } from '../helpers';

const segments = (text: string): SegmentEvent[] => analyze(text).model.events.filter((e): e is SegmentEvent => e.kind === 'segment');
const classes = (text: string): string[] => segments(text).map((s) => s.sendClass);

describe('segments that cross in flight', () => {
  it('an ACK sent while data was on its way acknowledges less, and is right (delay= / deliver)', () => {
    expectNoFindings(
      established(
        'C -> S ACK seq=1001 ack=5001 len=100 delay=d1',
        'S -> C ACK seq=5001 ack=1001 len=50', // sent before C's data arrived
        'deliver d1',
        'S -> C ACK seq=5051 ack=1101',
        'C -> S ACK seq=1101 ack=5051',
      ),
    );
  });
  it('written as if delivered at once, the same flow is a wrong ack (the importer must say delay=)', () => {
    expectFindings(established('C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1001 len=50'), ['TF3001 @ 7:25']);
  });
  it('a FIN that crossed the peer\'s FIN and was lost, then sent again, closes through CLOSING', () => {
    expectNoFindings(
      established(
        'C -> S FIN ACK seq=1001 ack=5001 lost',
        'S -> C FIN ACK seq=5001 ack=1001',
        'C -> S FIN ACK seq=1001 ack=5002 rtx',
        'C: CLOSING',
        'S -> C ACK seq=5002 ack=1002',
        'C: TIME_WAIT, S: TIME_WAIT',
      ),
    );
  });
});

describe('a flow that starts in the middle of a connection', () => {
  const midway = (...more: string[]): string =>
    lines('endpoint C ESTABLISHED 10.0.0.1:40000 isn=1000', 'endpoint S ESTABLISHED 10.0.0.2:80 isn=5000', 'numbers relative', ...more);

  it('RCV.NXT comes from the receiver\'s own ACK, not from the peer\'s first captured segment', () => {
    // S's bytes 1..10944 were sent before the capture started; C has not received them.
    const text = midway(
      'C -> S ACK seq=1 ack=1 win=382',
      'S -> C ACK seq=10945 ack=1 len=1368 win=108',
      'C -> S ACK seq=1 ack=1 win=382',
      'S -> C ACK seq=12313 ack=1 len=1368 win=108',
      'C -> S ACK seq=1 ack=1 win=382',
      'S -> C ACK seq=13681 ack=1 len=1368 win=108',
      'C -> S ACK seq=1 ack=1 win=382',
      'S -> C ACK seq=1 ack=1 len=1368 win=108 rtx',
      'C -> S ACK seq=1 ack=1369 win=361',
    );
    expectNoFindings(text);
    assert.deepEqual(classes(text), ['new', 'new', 'dup-ack', 'new', 'dup-ack', 'new', 'dup-ack', 'retransmission', 'new']);
    assert.deepEqual(segments(text)[1].deliveries.map((d) => d.outcome), ['queued']);
  });
  it('ACKs of data sent before the capture are believed until the peer\'s first segment arrives', () => {
    expectNoFindings(midway('C -> S ACK seq=1 ack=1 win=8760', 'C -> S ACK seq=1 ack=2921 win=5840', 'C -> S ACK seq=1 ack=5841 win=2920', 'S -> C ACK seq=5841 ack=1 len=100 win=100', 'C -> S ACK seq=1 ack=5941 win=2920'));
  });
  it('once the peer\'s data has arrived, a wrong ack is still an error', () => {
    expectFindings(midway('C -> S ACK seq=1 ack=1 win=100', 'S -> C ACK seq=1 ack=1 len=100 win=100', 'C -> S ACK seq=1 ack=51 win=100'), ['TF3001 @ 6:22']);
  });
  it('without the SYNs the window scale is unknown: a raw window is not a limit (RFC 7323 §2.3)', () => {
    // 382 would be 382 bytes unscaled; with a scale of up to 14 it may be 6 MB.
    expectNoFindings(midway('C -> S ACK seq=1 ack=1 win=382', 'S -> C ACK seq=1 ack=1 len=1368 win=108', 'S -> C ACK seq=1369 ack=1 len=1368 win=108'));
  });
  it('with the SYNs, the scale is known and the window still binds', () => {
    const text = established('S -> C ACK seq=5001 ack=1001 win=100', 'C -> S ACK seq=1001 ack=5001 len=200');
    assert.deepEqual(
      analyze(text).findings.map((f) => f.key),
      ['beyondWindow'],
    );
  });
  it('a SYN,ACK with wscale whose SYN was not seen fixes the peer\'s scale, not the client\'s own', () => {
    const text = lines(
      'endpoint C SYN_SENT 10.0.0.1:40000 isn=1000',
      'endpoint S SYN_RCVD 10.0.0.2:80',
      'numbers relative',
      'S -> C SYN ACK seq=0 ack=1 win=57344 wscale=0',
      'C -> S ACK seq=1 ack=1 win=1460',
      'S -> C ACK seq=1 ack=1 len=1448 win=57920',
      'S -> C ACK seq=1449 ack=1 len=1448 win=57920', // beyond 1460 raw bytes: C's own scale is unknown
      'C -> S ACK seq=1 ack=2897 win=2908',
      'C -> S ACK seq=1 ack=2897 len=70000 win=2908', // S's scale is 0: 57920 bytes bind
    );
    assert.deepEqual(
      analyze(text).findings.map((f) => f.key),
      ['beyondWindow'],
    );
  });
});

describe('retransmissions the sender makes from its own view', () => {
  it('data whose ACK has not reached the sender is retransmitted below SND.UNA (marked rtx)', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=18', 'S -> C ACK seq=5001 ack=1019', 'wait 300s', 'C -> S ACK seq=1001 ack=5001 len=18 rtx');
    expectNoFindings(text);
    const rtx = segments(text)[5];
    assert.equal(rtx.sendClass, 'retransmission');
    assert.deepEqual(rtx.deliveries.map((d) => d.outcome), ['duplicate']);
  });
  it('unmarked, the same number is still the seeds\' mistake', () => {
    expectFindings(established('C -> S ACK seq=1001 ack=5001 len=18', 'S -> C ACK seq=5001 ack=1019', 'C -> S ACK seq=1001 ack=5001 len=18'), ['TF3002 @ 8:16']);
  });
  it('a repacketized retransmission may carry new data too (RFC 9293 §3.8.6), when marked rtx', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=100', 'C -> S ACK seq=1101 ack=5001 len=100', 'C -> S ACK seq=1001 ack=5001 len=300 rtx', 'S -> C ACK seq=5001 ack=1301');
    expectNoFindings(text);
    assert.equal(segments(text)[5].sendClass, 'retransmission');
    expectFindings(established('C -> S ACK seq=1001 ack=5001 len=100', 'C -> S ACK seq=1101 ack=5001 len=100', 'C -> S ACK seq=1001 ack=5001 len=300'), ['TF3002 @ 8:16']);
  });
  it('data and FIN retransmitted together after the FIN was sent (FIN_WAIT_1) is no new data', () => {
    expectNoFindings(
      established(
        'C -> S ACK seq=1001 ack=5001 len=36 lost',
        'C -> S FIN ACK seq=1037 ack=5001 lost',
        'C -> S FIN ACK seq=1001 ack=5001 len=36 rtx',
        'S -> C ACK seq=5001 ack=1038',
        'C: FIN_WAIT_2',
      ),
    );
  });
  it('a duplicate ACK may follow an ACK that carried data (RFC 5681 §2)', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=100 lost', 'C -> S ACK seq=1101 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1001 len=10', 'S -> C ACK seq=5011 ack=1001');
    expectNoFindings(text);
    assert.deepEqual(classes(text).slice(5), ['new', 'dup-ack']);
  });
  it('an ACK that repeats the last one with nothing outstanding is no duplicate ACK (RFC 5681 §2 (a))', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1101', 'S -> C ACK seq=5001 ack=1101');
    expectNoFindings(text);
    assert.deepEqual(classes(text).slice(4), ['new', 'new']);
  });
});

describe('what rides on a SYN, and TLS 1.3 compatibility', () => {
  it('HTTP on a SYN with a Fast Open cookie (RFC 7413) is no application error and no note', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=0 len=18 tfo=0x5eed http "GET / HTTP/1.1"', 'S -> C SYN ACK seq=0 ack=19', 'C -> S ACK seq=19 ack=1');
    assert.deepEqual(
      analyze(text).findings.map((f) => f.key),
      [],
    );
  });
  it('HTTP on a SYN without a cookie: only the dataOnSyn note when the SYN,ACK acknowledges the SYN alone', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=0 len=18 http "GET / HTTP/1.1"', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1 len=18 rtx http "GET / HTTP/1.1"');
    assert.deepEqual(
      analyze(text).findings.map((f) => f.key),
      ['dataOnSyn'],
    );
  });
  it('HTTP from SYN_SENT without a SYN is still an error', () => {
    const text = lines('client C', 'server S', 'C -> S SYN seq=0', 'C -> S ACK seq=1 ack=0 len=18 http "GET / HTTP/1.1"');
    assert.ok(analyze(text).findings.some((f) => f.key === 'appNotEstablished'));
  });
  it('a TLS 1.3 ChangeCipherSpec after a HelloRetryRequest and before the second ClientHello is dropped (RFC 8446 §5, §D.4)', () => {
    const text = established(
      'C -> S ACK seq=1001 ack=5001 len=200 tls ClientHello',
      'S -> C ACK seq=5001 ack=1201 len=100 tls HelloRetryRequest ChangeCipherSpec',
      'C -> S ACK seq=1201 ack=5101 len=200 tls ChangeCipherSpec ClientHello',
      'S -> C ACK seq=5101 ack=1401 len=300 tls ServerHello EncryptedExtensions Finished',
      'C -> S ACK seq=1401 ack=5401 len=50 tls Finished',
    );
    expectNoFindings(text);
  });
  it('in TLS 1.2 the ChangeCipherSpec keeps its place', () => {
    const text = established('C -> S ACK seq=1001 ack=5001 len=200 tls ClientHello', 'S -> C ACK seq=5001 ack=1201 len=100 tls ServerHello ChangeCipherSpec Certificate');
    assert.ok(analyze(text).findings.some((f) => f.key === 'tlsOrder'));
  });
});
