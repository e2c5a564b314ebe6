/**
 * Citations, one format everywhere (`RFC 9293 §3.10.7.4`): grep a section number to find its
 * rule. Each name is the rule's place in the RFC, not the finding that cites it.
 */
export const RULE = {
  seqSpace: 'RFC 9293 §3.4',
  header: 'RFC 9293 §3.1',
  handshake: 'RFC 9293 §3.5',
  oldDuplicate: 'RFC 9293 §3.5, Figure 8',
  resetGen: 'RFC 9293 §3.5.2',
  closing: 'RFC 9293 §3.6',
  keepAlive: 'RFC 9293 §3.8.4',
  window: 'RFC 9293 §3.8.6',
  zeroWindow: 'RFC 9293 §3.8.6.1',
  states: 'RFC 9293 §3.3.2',
  open: 'RFC 9293 §3.10.1',
  send: 'RFC 9293 §3.10.2',
  receive: 'RFC 9293 §3.10.3',
  receiveBuffer: 'RFC 9293 §3.8.6.2.2',
  close: 'RFC 9293 §3.10.4',
  abort: 'RFC 9293 §3.10.5',
  closed: 'RFC 9293 §3.10.7.1',
  listen: 'RFC 9293 §3.10.7.2',
  synSent: 'RFC 9293 §3.10.7.3',
  other: 'RFC 9293 §3.10.7.4',
  timeWait: 'RFC 9293 §3.10.8',
  challengeAck: 'RFC 9293 §3.10.7.4, RFC 5961 §3.2',
  synChallengeAck: 'RFC 9293 §3.10.7.4, RFC 5961 §4',
  retransmit: 'RFC 9293 §3.8.1',
  windowScale: 'RFC 7323 §2.3',
} as const;
