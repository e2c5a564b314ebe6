/**
 * Files the CLI writes (`-o`): never the input itself, never an existing file unless `--force`,
 * and never half a file. The text goes to a temporary file beside the target, which is renamed
 * over it only once everything is written; an interrupted or failed run leaves the old file as
 * it was. File-system errors become one line naming the file (`OutputError`), not a stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class OutputError extends Error {}

/** A file-system error in a few plain words. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

export class OutputFile {
  private fd: number | undefined;
  private done = false;
  private readonly onSignal = (): void => {
    this.abort();
    process.exit(130);
  };

  private constructor(
    /** The target as the user wrote it, for messages. */
    readonly shown: string,
    readonly target: string,
    readonly temp: string,
  ) {}

  /**
   * Check the target and open its temporary file. `inputs` are the files the command reads: the
   * target may be none of them, `--force` or not.
   */
  static open(shown: string, cwd: string, inputs: readonly string[], force: boolean): OutputFile {
    const target = path.resolve(cwd, shown);
    for (const input of inputs) if (sameFile(input, target)) throw new OutputError(`cannot write ${shown}: it is the input file; choose another output`);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`cannot write ${shown}: ${describeFsError(e)}`);
    }
    if (stat?.isDirectory()) throw new OutputError(`cannot write ${shown}: it is a folder`);
    if (stat && !force) throw new OutputError(`${shown} exists; add --force to replace it`);
    const dir = path.dirname(target);
    const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.tmp`);
    const out = new OutputFile(shown, target, temp);
    try {
      out.fd = fs.openSync(temp, 'wx');
    } catch (e) {
      throw new OutputError(`cannot write ${shown}: ${describeFsError(e)}`);
    }
    process.once('SIGINT', out.onSignal);
    process.once('SIGTERM', out.onSignal);
    return out;
  }

  write(data: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error('output already closed');
    try {
      if (typeof data === 'string') fs.writeSync(this.fd, data);
      else {
        for (let off = 0; off < data.length; ) off += fs.writeSync(this.fd, data, off, data.length - off);
      }
    } catch (e) {
      this.abort();
      throw new OutputError(`cannot write ${this.shown}: ${describeFsError(e)}`);
    }
  }

  /** Everything is written: put it in place of the target. */
  commit(): void {
    if (this.done || this.fd === undefined) return;
    try {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = undefined;
      fs.renameSync(this.temp, this.target);
      this.done = true;
    } catch (e) {
      this.abort();
      throw new OutputError(`cannot write ${this.shown}: ${describeFsError(e)}`);
    } finally {
      this.unhook();
    }
  }

  /** Leave the target as it was and remove the temporary file. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
    fs.rmSync(this.temp, { force: true });
    this.unhook();
  }

  private unhook(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}

/** Write a whole text or buffer to `-o` safely. */
export function writeOutput(shown: string, cwd: string, inputs: readonly string[], force: boolean, data: string | Uint8Array): void {
  const out = OutputFile.open(shown, cwd, inputs, force);
  try {
    out.write(data);
  } catch (e) {
    out.abort();
    throw e;
  }
  out.commit();
}
