import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sampleFilePath, samplesDir } from '../run/files.js';
import type { Sample, SampleFileHeader } from '../run/samples.js';
import { scrubSecrets } from '../util/secrets.js';

/** How often buffered lines reach the file: a kill -9 loses at most this much of the run. */
export const FLUSH_INTERVAL_MS = 250;

/**
 * Streams one probe's samples to `<run>/samples/<probe>.ndjson`: the header line first, then one
 * line per sample in completion order. Lines are buffered and written with one synchronous write
 * at least every FLUSH_INTERVAL_MS (each write is whole lines, so a crash leaves at most a torn
 * last line). `close()` gzips the file to `.ndjson.gz`.
 */
export class SampleWriter {
  readonly path: string;
  private fd: number | null;
  private buf: string[] = [];
  private timer: NodeJS.Timeout | null;
  count = 0;

  constructor(runDir: string, header: SampleFileHeader) {
    mkdirSync(samplesDir(runDir), { recursive: true });
    this.path = sampleFilePath(runDir, header.probe);
    this.fd = openSync(this.path, 'w');
    writeSync(this.fd, `${scrubSecrets(JSON.stringify(header))}\n`);
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  write(s: Sample): void {
    this.buf.push(JSON.stringify(s));
    this.count++;
  }

  flush(): void {
    if (this.fd === null || this.buf.length === 0) return;
    // An error text can quote a request or a connection string: known secrets never reach the file.
    const text = scrubSecrets(`${this.buf.join('\n')}\n`);
    this.buf = [];
    writeSync(this.fd, text);
  }

  /** Flushes, closes and (by default) replaces the file by its gzip; returns the final path. */
  async close(gzip = true): Promise<string> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (!gzip) return this.path;
    const gz = `${this.path}.gz`;
    await pipeline(createReadStream(this.path), createGzip(), createWriteStream(gz));
    unlinkSync(this.path);
    return gz;
  }
}
