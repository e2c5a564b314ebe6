/**
 * RFC 9293's figures and the legal-but-odd traffic of §3.8, as scenarios: each must check clean
 * and leave the endpoints in the states the RFC gives.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, SegmentEvent } from '../../src/core/index';
import { established, expectFindings, expectNoFindings, handshake, lines } from '../helpers';

const segments = (text: string): SegmentEvent[] => analyze(text).model.events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('RFC 9293 figures', () => {
  it('Figure 6: basic three-way handshake', () => {
    expectNoFindings(lines('client TCPA', 'server TCPB', 'TCPA -> TCPB SYN seq=100', 'TCPA: SYN_SENT', 'TCPB -> TCPA SYN ACK seq=300 ack=101', 'TCPA -> TCPB ACK seq=101 ack=301', 'TCPA: ESTABLISHED, TCPB: ESTABLISHED'));
  });
  it('Figure 7: simultaneous open goes SYN_SENT -> SYN_RCVD -> ESTABLISHED', () => {
    expectNoFindings(lines('endpoint A CLOSED', 'endpoint B CLOSED', 'A -> B SYN seq=100 delay=a', 'B -> A SYN seq=300 delay=b', 'deliver a', 'deliver b', 'A: SYN_RCVD, B: SYN_RCVD', 'A -> B SYN ACK seq=100 ack=301 delay=c', 'B -> A SYN ACK seq=300 ack=101 delay=d', 'deliver c', 'deliver d', 'A: ESTABLISHED, B: ESTABLISHED'));
  });
  it('Figure 8: recovery from an old duplicate SYN', () => {
    expectNoFindings(lines('client A', 'server B', 'A -> B SYN seq=100 delay=real', 'A -> B SYN seq=90 old', 'B -> A SYN ACK seq=300 ack=91', 'A -> B RST seq=91', 'B: LISTEN', 'deliver real', 'B -> A SYN ACK seq=400 ack=101', 'A -> B ACK seq=101 ack=401', 'A: ESTABLISHED, B: ESTABLISHED'));
  });
  it('Figure 12: normal close sequence ends in TIME_WAIT and then CLOSED', () => {
    expectNoFindings(established('C close', 'C -> S FIN ACK seq=1001 ack=5001', 'C: FIN_WAIT_1', 'S -> C ACK seq=5001 ack=1002', 'C: FIN_WAIT_2, S: CLOSE_WAIT', 'S close', 'S -> C FIN ACK seq=5001 ack=1002', 'S: LAST_ACK', 'C -> S ACK seq=1002 ack=5002', 'C: TIME_WAIT, S: CLOSED', 'wait 2MSL', 'C: CLOSED'));
  });
  it('Figure 13: simultaneous close goes through CLOSING', () => {
    expectNoFindings(established('C -> S FIN ACK seq=1001 ack=5001 delay=f1', 'S -> C FIN ACK seq=5001 ack=1001 delay=f2', 'deliver f1', 'deliver f2', 'C: CLOSING, S: CLOSING', 'C -> S ACK seq=1002 ack=5002', 'S -> C ACK seq=5002 ack=1002', 'C: TIME_WAIT, S: TIME_WAIT'));
  });
  it('FIN_WAIT_1 receiving FIN,ACK that acknowledges its FIN goes straight to TIME_WAIT', () => {
    expectNoFindings(established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C FIN ACK seq=5001 ack=1002', 'C: TIME_WAIT, S: LAST_ACK'));
  });
});

describe('legal but odd traffic (RFC 9293 §3.8)', () => {
  it('a retransmission after a timeout is recognised', () => {
    const t = established('C -> S ACK seq=1001 ack=5001 len=100 lost', 'wait RTO', 'C -> S ACK seq=1001 ack=5001 len=100', 'S -> C ACK seq=5001 ack=1101');
    expectNoFindings(t);
    assert.equal(segments(t)[4].sendClass, 'retransmission');
  });
  it('a keep-alive probe (seq one below SND.NXT) is recognised', () => {
    const t = established('wait 2h', 'C -> S ACK seq=1000 ack=5001', 'S -> C ACK seq=5001 ack=1001');
    expectNoFindings(t);
    assert.equal(segments(t)[3].sendClass, 'keepalive');
  });
  it('duplicate ACKs after a loss are recognised', () => {
    const t = established('C -> S ACK seq=1001 ack=5001 len=10 lost', 'C -> S ACK seq=1011 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1001', 'C -> S ACK seq=1021 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1001');
    expectNoFindings(t);
    assert.equal(segments(t)[7].sendClass, 'dup-ack');
  });
  it('a one-byte window probe into a zero window is recognised', () => {
    const t = established('S -> C ACK seq=5001 ack=1001 win=0', 'C -> S ACK seq=1001 ack=5001 len=1');
    expectNoFindings(t);
    assert.equal(segments(t)[4].sendClass, 'window-probe');
  });
  it('a retransmitted FIN in TIME_WAIT is acknowledged again', () => {
    expectNoFindings(established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', 'S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002 lost', 'S -> C FIN ACK seq=5001 ack=1002', 'C -> S ACK seq=1002 ack=5002', 'C: TIME_WAIT, S: CLOSED'));
  });
  it('out-of-order data is queued and one ACK covers the filled gap', () => {
    const t = established('C -> S ACK seq=1001 ack=5001 len=10 delay=late', 'C -> S ACK seq=1011 ack=5001 len=10', 'deliver late', 'S -> C ACK seq=5001 ack=1021');
    expectNoFindings(t);
  });
  it('HTTP/1.1 keep-alive carries several requests', () => {
    expectNoFindings(handshake('C -> S ACK seq=x+1 ack=y+1 len=10 http "GET / HTTP/1.1"', 'S -> C ACK seq=y+1 ack=x+11 len=20 http "HTTP/1.1 200 OK"', 'C -> S ACK seq=x+11 ack=y+21 len=10 http "GET /2 HTTP/1.1"'));
  });
});

describe('one mistake, one finding', () => {
  it('a wrong ack is reported once and the flow continues with the expected value', () => {
    expectFindings(established('C -> S ACK seq=1001 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1010', 'C -> S ACK seq=1011 ack=5001 len=10', 'S -> C ACK seq=5001 ack=1021'), ['TF3001 @ 7:25']);
  });
  it('Chinese names and full-width punctuation from an input method are fine', () => {
    expectNoFindings(lines('client 客户端', 'server 服务器', '客户端 -> 服务器 SYN＝1，seq＝x', '服务器 -> 客户端 SYN＝1，ACK＝1，seq＝y，ack＝x＋1', '客户端：ESTABLISHED'));
  });
});
