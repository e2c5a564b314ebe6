/**
 * From a checked flow to capture segments: every sent segment in the order it was sent, with
 * absolute numbers. Symbolic ISNs (x, y) get a fixed stand-in value per unknown, so the same
 * file always exports the same capture.
 */
import type { Analysis } from './index';
import type { SeqValue } from './tcp/seq';
import type { ExportSegment } from './import/pcapwrite';

/** Deterministic stand-in for an unknown root (an ISN written as a name). */
function rootBase(root: number): number {
  return Math.imul(root, 0x9e3779b1) >>> 0;
}

function absolute(v: SeqValue | undefined): number {
  if (!v) return 0;
  return v.root === 0 ? v.off : (rootBase(v.root) + v.off) >>> 0;
}

export function exportSegments(analysis: Analysis): ExportSegment[] {
  const { model } = analysis;
  const where = new Map<string, { host: string; port: number }>();
  model.endpoints.forEach((e, i) => {
    const addr = e.decl.address;
    const v6 = addr?.host.startsWith('[');
    const host = addr ? addr.host.replace(/^\[|\]$/g, '') : `10.0.0.${(i % 250) + 1}`;
    const port = addr?.port ?? (e.role === 'server' ? 80 : 40000 + i);
    where.set(e.name, { host: v6 || !addr ? host : host, port });
  });
  // All endpoints of one capture must share an IP version: fall back to IPv4 stand-ins otherwise.
  const v6 = [...where.values()].map((w) => w.host.includes(':'));
  if (v6.some(Boolean) && !v6.every(Boolean)) {
    let i = 0;
    for (const w of where.values()) if (w.host.includes(':')) w.host = `10.0.1.${(i++ % 250) + 1}`;
  }
  const out: ExportSegment[] = [];
  let clockMs = 0;
  let n = 0;
  for (const ev of model.events) {
    if (ev.kind === 'wait') {
      clockMs = ev.clock;
      continue;
    }
    if (ev.kind !== 'segment') continue;
    const a = where.get(ev.from);
    const b = where.get(ev.to);
    if (!a || !b) continue;
    const st = ev.stmt;
    out.push({
      src: a.host,
      dst: b.host,
      srcPort: a.port,
      dstPort: b.port,
      seq: absolute(ev.seq?.value),
      ack: ev.flags.includes('ACK') ? absolute(ev.ack?.value) : 0,
      flags: ev.flags,
      win: Math.min(st.win?.value ?? 65535, 65535),
      options: {
        mss: st.mss?.value,
        wscale: st.wscale?.value,
        sackOk: st.sackOk ? true : undefined,
        ts: st.ts?.value,
      },
      len: ev.len,
      label: st.label?.text,
      timeUs: Math.round((clockMs + n++) * 1000),
    });
  }
  return out;
}
