/**
 * The deferred model of predicted segments (`Checker.materialize`): `analyze` keeps a segment
 * taken by header prediction as its place only, and makes its TCB snapshots, reasons and arrival
 * when first read, by replaying its run from copies of the TCBs. Whatever order the events are
 * read in, before or after an edit resumes the check, and while the check itself reads them (a
 * failed assertion names the last event), the model is the one the long way builds, and so are
 * the endpoints' references.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, Analysis, AnalyzeOptions } from '../../src/core/index';
import { prng } from '../import/helpers';

/** A flow of two connections, mostly plain lines both sides expect, with now and then a line that goes the long way. */
function flow(seed: number, segments: number): string {
  const r = prng(seed);
  const lines = ['client C isn=100', 'server S isn=300', 'client D isn=7000', r() < 0.5 ? 'numbers relative' : '# absolute'];
  const rel = lines[3] === 'numbers relative';
  const conns = [
    { a: 'C', b: 'S', isnA: 100, isnB: 300 },
    { a: 'D', b: 'S', isnA: 7000, isnB: 300 },
  ].map((k) => ({ ...k, na: k.isnA + 1, nb: k.isnB + 1, open: false }));
  for (let k = 0; k < segments; k++) {
    const c = conns[r() < 0.8 ? 0 : 1];
    const n = (v: number, isn: number): number => (rel ? v - isn : v);
    if (!c.open) {
      lines.push(`${c.a} -> ${c.b} SYN seq=${n(c.isnA, c.isnA)}`, `${c.b} -> ${c.a} SYN ACK seq=${n(c.isnB, c.isnB)} ack=${n(c.na, c.isnA)}`, `${c.a} -> ${c.b} ACK seq=${n(c.na, c.isnA)} ack=${n(c.nb, c.isnB)}`);
      c.open = true;
      continue;
    }
    const fromA = r() < 0.6;
    const len = r() < 0.5 ? 0 : 1 + Math.floor(r() * 4) * 100;
    const [from, to, isnF, isnT] = fromA ? [c.a, c.b, c.isnA, c.isnB] : [c.b, c.a, c.isnB, c.isnA];
    let seq = fromA ? c.na : c.nb;
    let ack = fromA ? c.nb : c.na;
    const m = r();
    // Mostly what both sides expect; sometimes a wrong number, a loss, a window, an assertion
    // (right or wrong: a wrong one names the last event while the check runs).
    if (m < 0.03) seq += 1;
    else if (m < 0.05) ack -= 1;
    const mod = m > 0.05 && m < 0.07 ? ' lost' : '';
    const win = m > 0.97 ? ' win=0' : m > 0.94 ? ' win=50' : '';
    lines.push(`${from} -> ${to} ${m > 0.5 && len > 0 ? 'PSH ACK' : 'ACK'} seq=${n(seq, isnF)} ack=${n(ack, isnT)}${len ? ` len=${len}` : ''}${win}${mod}${m > 0.9 ? '  # note' : ''}`);
    if (!mod) {
      if (fromA) c.na = seq + len;
      else c.nb = seq + len;
    }
    const x = r();
    if (x < 0.02) lines.push(`${from}: ESTABLISHED`);
    else if (x < 0.03) lines.push(`${to}: CLOSE_WAIT`);
    else if (x < 0.04) lines.push(`note over ${from}: still going`);
  }
  return lines.join('\n') + '\n';
}

/** Everything a reader sees of the events, read in the order `order` gives. */
function events(a: Analysis, order?: number[]): string[] {
  const evs = a.model.events;
  const out = new Array<string>(evs.length);
  for (const i of order ?? evs.map((_e, k) => k)) {
    const e = evs[i];
    out[i] = JSON.stringify(e.kind === 'segment' ? [e, e.seq?.why, e.ack?.why, e.seq?.text, e.ack?.text] : e);
  }
  return out;
}

function shuffled(n: number, r: () => number): number[] {
  const o = Array.from({ length: n }, (_v, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [o[i], o[j]] = [o[j], o[i]];
  }
  return o;
}

/** How many runs of deferred segments the analysis kept (looked up inside, to make sure the tests test them). */
function runs(a: Analysis): number {
  return ((a.resume as unknown as { checker: { runs: unknown[] } }).checker.runs ?? []).length;
}

describe('deferred model of predicted segments', () => {
  it('is the long way model, whatever order the events are read in', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = flow(seed, 150);
      const opts: AnalyzeOptions = { locale: seed % 2 ? 'zh-cn' : 'en', checkpointEvery: 1 + (seed % 5) * 9 };
      const reference = analyze(text, { ...opts, plainLines: false });
      const a = analyze(text, opts);
      assert.ok(runs(a) > 0, `seed ${seed}: nothing was deferred`);
      assert.deepEqual(a.findings, reference.findings, `seed ${seed}`);
      assert.deepEqual(events(a, shuffled(a.model.events.length, prng(seed))), events(reference), `seed ${seed}`);
      assert.equal(JSON.stringify(a.model.finalStates), JSON.stringify(reference.model.finalStates));
      assert.equal(JSON.stringify([...a.model.endpointRefs]), JSON.stringify([...reference.model.endpointRefs]), `seed ${seed}`);
    }
  });

  it('is the long way model after edits resume the check, read before, after or not at all', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = prng(100 + seed);
      const opts: AnalyzeOptions = { checkpointEvery: 8 + (seed % 3) * 20 };
      let text = flow(seed, 200);
      let last = analyze(text, opts);
      for (let step = 0; step < 12; step++) {
        // Read none, some or all of the model before the edit.
        const how = r();
        if (how < 0.33) events(last);
        else if (how < 0.66) for (const i of shuffled(last.model.events.length, r).slice(0, 20)) events(last, [i]);
        // Change one number on a line somewhere (the check resumes from the checkpoint before it).
        const lines = text.split('\n');
        const at = 4 + Math.floor(r() * (lines.length - 5));
        lines[at] = lines[at].replace(/\d+/, (d) => String(Number(d) + (r() < 0.5 ? 0 : 1)));
        const next = lines.join('\n');
        const resumed = analyze(next, { ...opts, previous: last });
        const reference = analyze(next, { ...opts, plainLines: false });
        assert.deepEqual(resumed.findings, reference.findings, `seed ${seed}, step ${step}`);
        assert.deepEqual(events(resumed, shuffled(resumed.model.events.length, r)), events(reference), `seed ${seed}, step ${step}`);
        assert.equal(JSON.stringify([...resumed.model.endpointRefs]), JSON.stringify([...reference.model.endpointRefs]), `seed ${seed}, step ${step}`);
        text = next;
        last = resumed;
      }
    }
  });

  it('keeps what was made of the runs before an edit when the edit resumes the check', () => {
    const text = flow(7, 600);
    const opts: AnalyzeOptions = { checkpointEvery: 32 };
    const first = analyze(text, opts);
    events(first);
    const made = (a: Analysis): number => (a.resume as unknown as { checker: { runs: { base: number }[] } }).checker.runs.filter((r) => r.base >= 0).length;
    const all = runs(first);
    assert.equal(made(first), all);
    // A changed number near the end: the runs before the checkpoint before it stay made.
    const lines = text.split('\n');
    const at = lines.length - 6;
    lines[at] = lines[at].replace(/\d+/, (d) => String(Number(d) + 1));
    const next = analyze(lines.join('\n'), { ...opts, previous: first });
    assert.ok(made(next) >= all - 3, `${made(next)} of ${all} runs still made`);
    assert.deepEqual(events(next), events(analyze(lines.join('\n'), { ...opts, plainLines: false })));
  });

  it('says so when an event of a replaced analysis is read', () => {
    const text = flow(3, 300);
    const first = analyze(text, { checkpointEvery: 16 });
    const lastSegment = [...first.model.events].reverse().find((e) => e.kind === 'segment');
    assert.ok(lastSegment);
    const at = text.indexOf('\n', text.length - 200);
    analyze(text.slice(0, at) + '\n# edited' + text.slice(at), { checkpointEvery: 16, previous: first });
    // Reading it now is either the event of the analysis that replaced it, or a clear error; never a crash elsewhere.
    try {
      JSON.stringify(lastSegment);
    } catch (e) {
      assert.match(String(e), /belongs to an analysis a later one has replaced/);
    }
  });
});
