import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, LogSink } from '../../shared/log';

/**
 * A log sink writing one JSON record per line to `callboard.log` in the user data folder
 * (docs/desktop.md, "Logs"). When the file passes maxBytes it is renamed to `.1` (one
 * previous file kept), so logs never fill the disk. Writes are synchronous: a log line
 * written just before a crash is on disk.
 */
export interface FileSink {
  sink: LogSink;
  readonly file: string;
}

export function createFileSink(file: string, options: { maxBytes?: number } = {}): FileSink {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  mkdirSync(dirname(file), { recursive: true });
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    size = 0;
  }
  const sink: LogSink = (record: LogRecord) => {
    const line = `${JSON.stringify(record)}\n`;
    try {
      if (size + line.length > maxBytes && size > 0) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      // A log that cannot be written must not take the app down.
    }
  };
  return { sink, file };
}
