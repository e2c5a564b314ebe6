/**
 * Render benchmark: `renderMermaid` on flows with many endpoints (a capture of a busy server
 * imports as one client per connection). The time should grow linearly with the endpoints: the
 * renderer once looked participants up in lists (2k/4k/8k/16k endpoints took 0.27/0.56/1.5/4.5 s
 * and 100k ran past 20 s).
 *
 * Method: for each size, one warm-up and three measured runs of `renderMermaid` on an analysis
 * made once (the analysis is not timed); the median is printed with the ratio to the previous
 * size (linear growth gives ≈ 2 for each doubling).
 *
 * Run alone with `node --import tsx bench/render.ts`; `bench/run.ts` calls `benchRender()`.
 */
import { analyze, renderMermaid } from './shipped';

const SIZES = [2_000, 4_000, 8_000, 16_000, 100_000];
/** Made once per size, as `tcpflow render` makes it: no checkpoints for resuming after edits. */
const ONE_SHOT = { checkpointEvery: Number.MAX_SAFE_INTEGER };

function flow(endpoints: number): string {
  const lines: string[] = [];
  for (let i = 0; i < endpoints; i += 2) lines.push(`client C${i}`, `server S${i}`);
  for (let i = 0; i < endpoints; i += 2) lines.push(`C${i} -> S${i} SYN seq=${i}`, `S${i} -> C${i} SYN ACK seq=${i + 7} ack=${i + 1}`, `C${i} -> S${i} ACK seq=${i + 1} ack=${i + 8}`);
  return lines.join('\n') + '\n';
}

export async function benchRender(): Promise<void> {
  console.log('render: renderMermaid time against the number of endpoints (should grow linearly)');
  let prev: number | undefined;
  for (const n of SIZES) {
    const a = analyze(flow(n), ONE_SHOT);
    renderMermaid(a);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      renderMermaid(a);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const ms = times[1];
    const ratio = prev === undefined ? '' : `  (x${(ms / prev).toFixed(2)} for x${(n / SIZES[SIZES.indexOf(n) - 1]).toFixed(1)} endpoints)`;
    console.log(`  ${String(n).padStart(7)} endpoints, ${String(n * 1.5).padStart(7)} segments: ${ms.toFixed(0).padStart(6)} ms${ratio}`);
    prev = ms;
  }
}

if (require.main === module) void benchRender();
