import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, LogSink } from '../../shared/log';

/**
 * A log sink writing one JSON record per line to `callboard.log` in the user data folder
 * (docs/desktop.md, "Logs"). The file stays open; when the next line would take it past
 * maxBytes it is closed, renamed to `.1` (one previous file kept) and a new one opened, so
 * logs never fill the disk. Writes are synchronous: a line written just before a crash is on
 * disk. A log that cannot be written never takes the app down.
 */
export interface FileSink {
  sink: LogSink;
  readonly file: string;
  /** Closes the file (at shutdown); later records are dropped. */
  close(): void;
}

export function createFileSink(file: string, options: { maxBytes?: number } = {}): FileSink {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  mkdirSync(dirname(file), { recursive: true });
  let fd: number | null = null;
  let size = 0;
  let closed = false;
  const open = () => {
    fd = openSync(file, 'a', 0o600);
    size = fstatSync(fd).size;
  };
  const sink: LogSink = (record: LogRecord) => {
    if (closed) return;
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    try {
      if (fd === null) open();
      if (size > 0 && size + line.length > maxBytes) {
        closeSync(fd!);
        fd = null;
        renameSync(file, `${file}.1`);
        open();
      }
      writeSync(fd!, line);
      size += line.length;
    } catch {
      // Next record tries again from a fresh open.
      if (fd !== null) closeSync(fd);
      fd = null;
    }
  };
  return {
    sink,
    file,
    close() {
      closed = true;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
