import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { errnoOf, RunWrites, writeAll } from '../run/disk.js';
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
 *
 * A write that fails (full disk, I/O error) is reported once to `writes` with the time of the
 * first sample lost, never thrown (it would crash the process from a timer mid-fault); later
 * samples still feed the live view and the guardrails but are not written (`lost` counts them),
 * and the file is left as it is, ungzipped.
 */
export class SampleWriter {
  readonly path: string;
  private fd: number | null;
  private buf: string[] = [];
  private firstBuffered: number | null = null;
  private timer: NodeJS.Timeout | null;
  private failed = false;
  count = 0;
  /** Samples not on disk because a write failed. */
  lost = 0;

  constructor(
    runDir: string,
    private readonly header: SampleFileHeader,
    private readonly writes = new RunWrites(),
  ) {
    mkdirSync(samplesDir(runDir), { recursive: true });
    this.path = sampleFilePath(runDir, header.probe);
    this.fd = openSync(this.path, 'w');
    writeSync(this.fd, `${scrubSecrets(JSON.stringify(header))}\n`);
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  write(s: Sample): void {
    this.count++;
    if (this.failed) {
      this.lost++;
      return;
    }
    this.firstBuffered ??= s.scheduled;
    this.buf.push(JSON.stringify(s));
  }

  flush(): void {
    if (this.fd === null || this.buf.length === 0) return;
    // An error text can quote a request or a connection string: known secrets never reach the file.
    const text = scrubSecrets(`${this.buf.join('\n')}\n`);
    const n = this.buf.length;
    const from = this.firstBuffered;
    this.buf = [];
    this.firstBuffered = null;
    try {
      writeAll(this.writes.ops, this.path, this.fd, Buffer.from(text, 'utf8'));
    } catch (err) {
      this.failed = true;
      this.lost += n;
      const file = `samples/${basename(this.path)}`;
      this.writes.fail({
        file: this.path,
        op: 'write',
        code: errnoOf(err),
        lostFrom: from,
        lost: `samples of probe ${this.header.probe} (${file})`,
      });
    }
  }

  /** Flushes, closes and (by default) replaces the file by its gzip; returns the final path. */
  async close(gzip = true): Promise<string> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    // A file a write failed on stays as it is: gzipping needs the disk that just failed.
    if (!gzip || this.failed) return this.path;
    const gz = `${this.path}.gz`;
    await pipeline(createReadStream(this.path), createGzip(), createWriteStream(gz));
    unlinkSync(this.path);
    return gz;
  }
}
