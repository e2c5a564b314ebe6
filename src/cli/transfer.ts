/** `tcpflow import` and `tcpflow export`: captures and packetdrill scripts in, pcap out. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/index';
import { CaptureImporter, type CaptureImportOptions, type CaptureImportStats } from '../core/import/capture';
import { importPacketdrill, PacketdrillImportError } from '../core/import/packetdrill';
import { writePcap } from '../core/import/pcapwrite';
import { exportSegments } from '../core/export';
import { ONE_SHOT, UsageError, type Io, type ParsedArgs } from './main';
import { OutputFile, writeOutput } from './output';

function intFlag(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`${name} needs a whole number, not ${String(v)}`);
  return n;
}

export async function importCommand(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('import takes exactly one capture or packetdrill script');
  const input = path.resolve(io.cwd, args.positional[0]);
  if (!fs.existsSync(input) || !fs.statSync(input).isFile()) {
    io.err(`tcpflow: no such file: ${args.positional[0]}\n`);
    return 2;
  }
  let text: string;
  if (/\.pkt$/i.test(input)) {
    try {
      const r = importPacketdrill(fs.readFileSync(input, 'utf8'));
      for (const w of r.warnings) io.err(`${args.positional[0]}${w.line ? `:${w.line}` : ''}: warning: ${w.message}\n`);
      text = r.text;
    } catch (e) {
      if (e instanceof PacketdrillImportError) {
        io.err(`tcpflow: ${args.positional[0]}: cannot import (${e.construct}): ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  } else {
    const host = args.flags.get('--host');
    return importCaptureFile(input, args, io, { conn: intFlag(args, '--conn'), port: intFlag(args, '--port'), host: typeof host === 'string' ? host : undefined, absolute: args.flags.get('--absolute') === true });
  }
  const out = args.flags.get('-o');
  if (typeof out === 'string') writeOutput(out, io.cwd, [input], args.flags.get('--force') === true, text);
  else io.out(text);
  return 0;
}

/** Bytes read from the capture at a time, into one buffer used for every read. */
const READ_CHUNK = 1 << 20;
/** Text held back before the output is opened: a result without connections is never written. */
const HOLD_BACK = 1 << 20;

/**
 * A capture streamed in and its text streamed out: the file is read in fixed-size pieces into
 * one buffer, the text goes to the output (a file with -o, else stdout) as the importer writes
 * it. The first MiB of text is held back, so that an import with no matching connection (a few
 * lines of text) writes nothing, as before.
 */
function importCaptureFile(input: string, args: ParsedArgs, io: Io, opts: CaptureImportOptions): number {
  const name = args.positional[0];
  const started = performance.now();
  const imp = new CaptureImporter(opts);
  const buf = new Uint8Array(READ_CHUNK);
  const outPath = args.flags.get('-o');
  // Checked before the capture is read: a refused target costs nothing.
  const output = typeof outPath === 'string' ? OutputFile.open(outPath, io.cwd, [input], args.flags.get('--force') === true) : undefined;
  let held: string[] = [];
  let heldLength = 0;
  let opened = false;
  let chars = 0;
  const write = (t: string): void => {
    if (output) {
      opened = true;
      output.write(t);
    } else io.out(t);
  };
  let streaming = false;
  const release = (): void => {
    streaming = true;
    for (const t of held) write(t);
    held = [];
  };
  let r: CaptureImportStats;
  let readMs = 0;
  let committed = false;
  try {
    const fd = fs.openSync(input, 'r');
    try {
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        imp.push(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
    readMs = performance.now() - started;
    r = imp.finish((t) => {
      chars += t.length;
      if (streaming) write(t);
      else {
        held.push(t);
        heldLength += t.length;
        if (heldLength >= HOLD_BACK) release();
      }
    });
    for (const w of r.warnings) io.err(`${name}: warning: ${w.message}${w.packet !== undefined ? ` (packet ${w.packet})` : ''}${w.offset !== undefined ? ` (byte ${w.offset})` : ''}\n`);
    if (r.connections === 0 && !opened) {
      io.err(`tcpflow: ${name}: no TCP connection matched (${r.found} found)\n`);
      return r.found === 0 ? 2 : 1;
    }
    release();
    output?.commit();
    committed = true;
  } finally {
    if (!committed) output?.abort();
  }
  if (args.flags.get('--stats') === true) {
    const ms = performance.now() - started;
    const s = r.summary;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    io.err(
      `${name}: ${s.bytes} bytes, ${s.packets} packets, ${s.tcp} TCP segments, ${r.segments} written in ${r.connections} connection(s), ${chars} characters of text\n` +
        `${name}: ${(ms / 1000).toFixed(3)} s (reading and tracking ${(readMs / 1000).toFixed(3)} s), ${Math.round(s.packets / (ms / 1000))} packets/s, peak RSS ${rssMb.toFixed(1)} MB\n`,
    );
  }
  return 0;
}

export async function exportCommand(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('export takes exactly one .tcpflow file');
  const out = args.flags.get('-o');
  if (typeof out !== 'string') throw new UsageError('export needs -o <file.pcap>');
  const input = path.resolve(io.cwd, args.positional[0]);
  if (!fs.existsSync(input)) {
    io.err(`tcpflow: no such file: ${args.positional[0]}\n`);
    return 2;
  }
  const a = analyze(fs.readFileSync(input, 'utf8'), { checkpointEvery: ONE_SHOT });
  const errors = a.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) io.err(`tcpflow: warning: ${args.positional[0]} has ${errors.length} error(s); exporting the corrected flow\n`);
  const segs = exportSegments(a);
  writeOutput(out, io.cwd, [input], args.flags.get('--force') === true, writePcap(segs));
  io.err(`${segs.length} segment(s) written to ${out}\n`);
  return 0;
}
