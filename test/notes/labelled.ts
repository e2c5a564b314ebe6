/**
 * A labelled set of small mermaid sequence diagrams, written for this project in the notations
 * study notes use: each is labelled correct (`[]`) or with the finding codes a careful reader
 * expects. `labelled.test.ts` computes precision and recall of the reader + checker on it.
 * Mistakes marked `from` are the real ones of the corpus notes and the seeds, redrawn as mermaid.
 */
export interface Labelled {
  name: string;
  diagram: string;
  /** Codes expected, in any order; [] for a correct diagram. */
  expect: string[];
  from?: string;
}

const d = (...l: string[]): string => ['sequenceDiagram', ...l].join('\n') + '\n';
const PC = ['participant C as 客户端', 'participant S as 服务端'];
const HS_BITS = ['C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'C->>S: ACK=1, seq=x+1, ack=y+1'];
const HS_PLUS = ['C->>S: SYN seq=x', 'S->>C: SYN+ACK seq=y ack=x+1', 'C->>S: ACK seq=x+1 ack=y+1'];

export const LABELLED: Labelled[] = [
  // ---- correct -------------------------------------------------------------------------------
  { name: 'handshake, bit style', diagram: d(...PC, ...HS_BITS), expect: [] },
  { name: 'handshake, SYN+ACK style', diagram: d(...PC, ...HS_PLUS), expect: [] },
  { name: 'handshake, Wireshark style', diagram: d('C->>S: [SYN] Seq=0', 'S->>C: [SYN, ACK] Seq=0 Ack=1', 'C->>S: [ACK] Seq=1 Ack=1'), expect: [] },
  { name: 'handshake, numbered flags only', diagram: d('c ->> s : 1. SYN', 's ->> c : 2. SYN + ACK', 'c ->> s : 3. ACK'), expect: [] },
  { name: 'handshake, concrete numbers in parentheses', diagram: d('C->>S: SYN(seq=1000)', 'S->>C: SYN-ACK(seq=2000, ack=1001)', 'C->>S: ACK(seq=1001, ack=2001)'), expect: [] },
  { name: 'handshake, Chinese punctuation', diagram: d(...PC, 'C->>S: SYN=1，seq=x', 'S->>C: SYN=1，ACK=1，seq=y，ack=x+1', 'C->>S: ACK=1，seq=x+1，ack=y+1'), expect: [] },
  { name: 'handshake, spaces around = and +', diagram: d('C->>S: SYN seq = x', 'S->>C: SYN ACK seq = y ack = x + 1', 'C->>S: ACK seq = x + 1 ack = y + 1'), expect: [] },
  { name: 'handshake with states', diagram: d(...PC, 'Note over S: LISTEN', 'C->>S: SYN=1, seq=x', 'Note left of C: SYN_SENT', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'Note right of S: SYN_RCVD', 'C->>S: ACK=1, seq=x+1, ack=y+1', 'Note left of C: ESTABLISHED', 'Note right of S: ESTABLISHED'), expect: [] },
  { name: 'handshake with Chinese state words', diagram: d(...PC, 'C->>S: SYN=1, seq=x', 'Note left of C: 同步已发送', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'Note right of S: 同步收到', 'C->>S: ACK=1, seq=x+1, ack=y+1', 'Note over C: 已建立'), expect: [] },
  { name: 'handshake with "State:" notes', diagram: d('C->>S: SYN(seq=1000)', 'Note over C: State: SYN_SENT', 'S->>C: SYN-ACK(seq=2000, ack=1001)', 'Note over S: State: SYN_RECEIVED', 'C->>S: ACK(ack=2001)', 'Note over C: State: ESTABLISHED'), expect: [] },
  { name: 'textbook teardown (first FIN without ACK)', diagram: d(...PC, ...HS_BITS, 'C->>S: FIN=1, seq=u', 'S->>C: ACK=1, seq=v, ack=u+1', 'S->>C: FIN=1, ACK=1, seq=w, ack=u+1', 'C->>S: ACK=1, seq=u+1, ack=w+1'), expect: [] },
  { name: 'teardown with states', diagram: d('C->>S: FIN', 'Note left of C: FIN_WAIT_1', 'S->>C: ACK', 'Note right of S: CLOSE_WAIT', 'Note left of C: FIN_WAIT_2', 'S->>C: FIN', 'Note right of S: LAST_ACK', 'C->>S: ACK', 'Note left of C: TIME_WAIT', 'Note right of S: CLOSED'), expect: [] },
  { name: 'teardown, Wireshark style', diagram: d('C->>S: [SYN] Seq=0', 'S->>C: [SYN, ACK] Seq=0 Ack=1', 'C->>S: [ACK] Seq=1 Ack=1', 'C->>S: [FIN, ACK] Seq=1 Ack=1', 'S->>C: [ACK] Seq=1 Ack=2', 'S->>C: [FIN, ACK] Seq=1 Ack=2', 'C->>S: [ACK] Seq=2 Ack=2'), expect: [] },
  { name: 'three-way close (FIN+ACK merged)', diagram: d(...HS_PLUS, 'C->>S: FIN ACK seq=x+1 ack=y+1', 'S->>C: FIN+ACK seq=y+1 ack=x+2', 'C->>S: ACK seq=x+2 ack=y+2'), expect: [] },
  { name: 'data then ACK with len', diagram: d('C->>S: SYN seq=100', 'S->>C: SYN ACK seq=300 ack=101', 'C->>S: ACK seq=101 ack=301', 'C->>S: PSH ACK seq=101 ack=301 len=10', 'S->>C: ACK seq=301 ack=111'), expect: [] },
  { name: 'lost SYN retransmitted', diagram: d('C-xS: SYN seq=x', 'C->>S: SYN seq=x (重传)', 'S->>C: SYN+ACK seq=y ack=x+1', 'C->>S: ACK seq=x+1 ack=y+1'), expect: [] },
  { name: 'lost final ACK drawn --x, FIN retransmitted', diagram: d('participant A as 主动关闭方', 'participant B as 被动关闭方', 'B->>A: FIN', 'A--xB: ACK 丢失', 'B->>A: 重传 FIN', 'A-->>B: 再次 ACK'), expect: [] },
  { name: 'socket calls beside the segments', diagram: d('s ->> s : bind()', 's ->> s : listen()', 'c ->> c : connect()', 'c ->> s : 1. SYN', 's ->> c : 2. SYN + ACK', 'c ->> s : 3. ACK', 's ->> s : accept()'), expect: [] },
  { name: 'HTTP after the handshake, as one arrow', diagram: d('C->>S: SYN', 'S->>C: SYN/ACK', 'C->>S: ACK', 'C->>S: POST /login HTTP/1.1', 'S-->>C: HTTP/1.1 200 OK'), expect: [] },
  { name: 'not TCP: HTTP only', diagram: d('participant B as Browser', 'B->>W: GET / HTTP/1.1', 'W-->>B: 200 OK'), expect: [] },
  { name: 'not TCP: application calls', diagram: d('App->>Kernel: socket()', 'App->>Kernel: connect()', 'Kernel-->>App: 0'), expect: [] },
  { name: 'kernel queues beside the handshake', diagram: d('participant C as 客户端', 'participant K as 服务端内核', 'participant SQ as 半连接队列', 'C->>K: SYN', 'K-->>C: SYN+ACK', 'Note over SQ: 连接状态 SYN_RCVD', 'C->>K: ACK 第三次握手', 'K->>SQ: put'), expect: [] },
  { name: 'blocks and comments Mermaid allows', diagram: d('autonumber', '%% handshake', 'box 两端', 'participant C', 'participant S', 'end', 'rect rgb(240,240,255)', 'loop 每个连接', 'C->>S: SYN seq=x', 'end', 'alt 正常', 'S->>C: SYN+ACK seq=y ack=x+1', 'else 超时', 'Note over C: 重试', 'end', 'par', 'C->>S: ACK seq=x+1 ack=y+1', 'end', 'end'), expect: [] },
  { name: 'RST to a closed port', diagram: d('participant C', 'participant S', 'C->>S: SYN seq=100', 'S->>C: RST+ACK seq=0 ack=101', 'Note over C: CLOSED'), expect: [] },
  { name: 'ACK=1 ack= style', diagram: d('C->>S: SYN=1 seq=x', 'S->>C: SYN=1 ACK=1 seq=y ack=x+1', 'C->>S: ACK=1 ack=y+1 seq=x+1'), expect: [] },

  // ---- wrong ---------------------------------------------------------------------------------
  { name: 'SYN-ACK acks x instead of x+1', diagram: d(...PC, 'C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x', 'C->>S: ACK=1, seq=x+1, ack=y+1'), expect: ['TF3001'] },
  { name: 'final ACK acks y instead of y+1', diagram: d(...HS_PLUS.slice(0, 2), 'C->>S: ACK seq=x+1 ack=y'), expect: ['TF3001'] },
  { name: 'final ACK with seq=x+2', diagram: d(...HS_PLUS.slice(0, 2), 'C->>S: ACK seq=x+2 ack=y+1'), expect: ['TF3002'] },
  { name: 'concrete numbers: ack off by one', diagram: d('C->>S: SYN(seq=1000)', 'S->>C: SYN-ACK(seq=2000, ack=1000)', 'C->>S: ACK(seq=1001, ack=2001)'), expect: ['TF3001'] },
  { name: 'SYN-ACK without the ACK flag (bit style)', diagram: d('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, seq=y, ack=x+1', 'C->>S: ACK=1, seq=x+1, ack=y+1'), expect: ['TF3005'] },
  { name: 'SYN-ACK without the ACK flag', from: '90vFan-My-Learning network_protocol.md', diagram: d('C->>S: SYN seq=x', 'S->>C: SYN seq=y, ack=x+1', 'C->>S: ACK seq=x+1, ack=y+1'), expect: ['TF3005'] },
  { name: 'final handshake segment drawn with SYN', from: '90vFan-My-Learning network_protocol.md', diagram: d('C->>S: SYN seq=x', 'S->>C: SYN ACK seq=y, ack=x+1', 'C->>S: SYN ACK seq=x+1, ack=y+1'), expect: ['TF2001'] },
  { name: 'ACK flag written with the number', from: 'seeds', diagram: d('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=x+1, seq=y', 'C->>S: ACK=1, seq=x+1, ack=y+1'), expect: ['TF3007'] },
  { name: 'teardown: the peer\'s seq+1 as the sequence number', from: 'wangshushuo 了解TCP协议; seeds 003/004', diagram: d(...PC, ...HS_BITS, 'C->>S: FIN=1, seq=u', 'S->>C: ACK=1, seq=u+1, ack=u+1'), expect: ['TF3003'] },
  { name: 'teardown: last ACK with the peer\'s seq+1 as seq', from: 'seeds 003/004', diagram: d(...HS_BITS, 'C->>S: FIN=1, ACK=1, seq=x+1, ack=y+1', 'S->>C: ACK=1, seq=y+1, ack=x+2', 'S->>C: FIN=1, ACK=1, seq=y+1, ack=x+2', 'C->>S: ACK=1, seq=y+2, ack=y+2'), expect: ['TF3003'] },
  { name: 'lost ACK drawn as a delivered arrow', from: 'JavaGuide tcp-time-wait.md', diagram: d('participant A as 主动关闭方', 'participant B as 被动关闭方', 'B->>A: FIN', 'A-->>B: ACK 丢失', 'B->>A: 重传 FIN', 'A-->>B: 再次 ACK'), expect: ['TF2009'] },
  { name: 'SYN_SEND', from: 'laoxiaoo-xiaoxiao network.md', diagram: d('c ->> s : 1. SYN', 'Note left of c : SYN_SEND', 's ->> c : 2. SYN + ACK', 'c ->> s : 3. ACK'), expect: ['TF1008'] },
  { name: 'SYN_REVD', diagram: d('c ->> s : SYN', 'Note right of s : SYN_REVD'), expect: ['TF1008'] },
  { name: 'client ESTABLISHED right after its SYN', diagram: d('C->>S: SYN', 'Note left of C: ESTABLISHED'), expect: ['TF2003'] },
  { name: 'server ESTABLISHED after sending SYN-ACK', diagram: d('C->>S: SYN', 'S->>C: SYN+ACK', 'Note right of S: ESTABLISHED'), expect: ['TF2003'] },
  { name: 'passive closer in FIN_WAIT_2', diagram: d('C->>S: FIN', 'S->>C: ACK', 'Note right of S: FIN_WAIT_2'), expect: ['TF2003'] },
  { name: 'active closer skips TIME_WAIT', diagram: d('C->>S: FIN', 'S->>C: ACK', 'S->>C: FIN', 'C->>S: ACK', 'Note left of C: CLOSED'), expect: ['TF2003'] },
  { name: 'a second SYN once established', diagram: d('C->>S: SYN', 'S->>C: SYN+ACK', 'C->>S: ACK', 'C->>S: SYN'), expect: ['TF2001', 'TF2002'] },
  { name: 'ack acknowledges more than was sent', diagram: d('C->>S: SYN seq=100', 'S->>C: SYN ACK seq=300 ack=101', 'C->>S: ACK seq=101 ack=301', 'C->>S: ACK seq=101 ack=301 len=10', 'S->>C: ACK seq=301 ack=121'), expect: ['TF3010'] },
  { name: 'seq and ack swapped in the final ACK', diagram: d('C->>S: SYN seq=100', 'S->>C: SYN ACK seq=300 ack=101', 'C->>S: ACK seq=301 ack=101'), expect: ['TF3003', 'TF3004'] },
  { name: 'third handshake ACK with the ISN as its seq', from: 'seeds 003/004 (handshake)', diagram: d(...HS_BITS.slice(0, 2), 'C->>S: ACK=1, seq=x, ack=y+1'), expect: ['TF3002'] },
];
