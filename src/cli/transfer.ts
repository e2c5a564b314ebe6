/** `tcpflow import` and `tcpflow export`: captures and packetdrill scripts in, pcap out. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/index';
import { importCapture } from '../core/import/capture';
import { importPacketdrill, PacketdrillImportError } from '../core/import/packetdrill';
import { writePcap } from '../core/import/pcapwrite';
import { exportSegments } from '../core/export';
import { UsageError, type Io, type ParsedArgs } from './main';

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
    const bytes = new Uint8Array(fs.readFileSync(input));
    const host = args.flags.get('--host');
    const r = importCapture(bytes, { conn: intFlag(args, '--conn'), port: intFlag(args, '--port'), host: typeof host === 'string' ? host : undefined, absolute: args.flags.get('--absolute') === true });
    for (const w of r.warnings) io.err(`${args.positional[0]}: warning: ${w.message}${w.packet !== undefined ? ` (packet ${w.packet})` : ''}${w.offset !== undefined ? ` (byte ${w.offset})` : ''}\n`);
    if (r.connections === 0) {
      io.err(`tcpflow: ${args.positional[0]}: no TCP connection matched (${r.found} found)\n`);
      return r.found === 0 ? 2 : 1;
    }
    text = r.text;
  }
  const out = args.flags.get('-o');
  if (typeof out === 'string') fs.writeFileSync(path.resolve(io.cwd, out), text);
  else io.out(text);
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
  const a = analyze(fs.readFileSync(input, 'utf8'));
  const errors = a.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) io.err(`tcpflow: warning: ${args.positional[0]} has ${errors.length} error(s); exporting the corrected flow\n`);
  const segs = exportSegments(a);
  fs.writeFileSync(path.resolve(io.cwd, out), writePcap(segs));
  io.err(`${segs.length} segment(s) written to ${out}\n`);
  return 0;
}
