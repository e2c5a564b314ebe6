/** Generated flows for the preview tests and the benchmark. */

/** A flow of exactly `n` segments: a handshake, then data segments and their ACKs. */
export function bigFlow(n: number): string {
  const out = ['title "A long transfer"', 'client C 10.0.0.2:50000', 'server S 10.0.0.1:80', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1'];
  let seq = 1;
  for (let i = 3; i < n; i += 2) {
    out.push(`C -> S PSH ACK seq=${seq} ack=1 len=100`);
    seq += 100;
    if (i + 1 < n) out.push(`S -> C ACK seq=1 ack=${seq}`);
  }
  return out.slice(0, 3 + Math.max(0, n)).join('\n') + '\n';
}
