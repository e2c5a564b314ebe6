/** `tcpflow import` and `tcpflow export`: captures and packetdrill scripts in, pcap out. */
import type { Io, ParsedArgs } from './main';

export async function importCommand(_args: ParsedArgs, io: Io): Promise<number> {
  io.err('tcpflow: import is not available in this build\n');
  return 2;
}

export async function exportCommand(_args: ParsedArgs, io: Io): Promise<number> {
  io.err('tcpflow: export is not available in this build\n');
  return 2;
}
