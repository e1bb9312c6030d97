import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { SAMPLE_FORMAT_VERSION, type Sample, type SampleFileHeader } from '../../run/samples.js';

/**
 * Writes `<run>/samples/<probe>.ndjson` for k6: sample lines stream to `<file>.part` while k6
 * runs (in the order k6 reports completions); `finish(header)` writes the final file: the header
 * line, then the samples sorted by start time and numbered 0..n-1 in that order (the sample
 * contract: seq order is schedule order). The header comes last in time because a user-owned
 * script's request spacing (Δ) is only known at the end.
 */
export class K6SampleFileWriter {
  private readonly partPath: string;
  private out: WriteStream | undefined;
  private count = 0;

  constructor(readonly path: string) {
    this.partPath = `${path}.part`;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.out = createWriteStream(this.partPath, { flags: 'w' });
    await once(this.out, 'open');
  }

  /** Appends one sample; waits only when the stream asks for back-pressure. */
  async write(s: Sample): Promise<void> {
    if (!this.out) throw new Error('K6SampleFileWriter.write before open');
    this.count++;
    if (!this.out.write(`${JSON.stringify(s)}\n`)) await once(this.out, 'drain');
  }

  get written(): number {
    return this.count;
  }

  /** Closes the part file and writes the final file: header line, then the samples in start order. */
  async finish(header: SampleFileHeader): Promise<void> {
    const out = this.out;
    if (!out) throw new Error('K6SampleFileWriter.finish before open');
    this.out = undefined;
    out.end();
    await once(out, 'close');
    const samples: Sample[] = [];
    const rl = createInterface({ input: createReadStream(this.partPath), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) if (line) samples.push(JSON.parse(line) as Sample);
    // Stable sort by start; ties keep k6's completion order.
    const order = samples
      .map((_, i) => i)
      .sort((a, b) => (samples[a] as Sample).scheduled - (samples[b] as Sample).scheduled || a - b);
    const tmp = `${this.path}.tmp`;
    const final = createWriteStream(tmp, { flags: 'w' });
    final.write(`${JSON.stringify(header)}\n`);
    let seq = 0;
    for (const i of order) {
      const s = samples[i] as Sample;
      s.seq = seq++;
      if (!final.write(`${JSON.stringify(s)}\n`)) await once(final, 'drain');
    }
    final.end();
    await once(final, 'close');
    await rename(tmp, this.path);
    await rm(this.partPath, { force: true });
  }
}

export interface HeaderInput {
  probe: string;
  intervalMs: number;
  timeoutMs: number;
  t0: number;
  recoveryWindowMs?: number;
  clock?: { source: string; driftMs: number };
}

export function k6SampleHeader(h: HeaderInput): SampleFileHeader {
  const header: SampleFileHeader = {
    type: 'header',
    formatVersion: SAMPLE_FORMAT_VERSION,
    probe: h.probe,
    kind: 'k6',
    intervalMs: h.intervalMs,
    timeoutMs: h.timeoutMs,
    t0: h.t0,
    // k6 load is what users feel: it can carry the headline RTO.
    measures: { rto: 'user', rpo: false },
  };
  if (h.recoveryWindowMs !== undefined) header.recoveryWindowMs = h.recoveryWindowMs;
  if (h.clock) header.clock = h.clock;
  return header;
}

/**
 * Δ for samples whose schedule drillproof did not set (a user-owned script, an imported file):
 * the mean spacing of request starts. 1 s when there are fewer than two samples.
 */
export function estimateIntervalMs(count: number, first: number | null, last: number | null): number {
  if (count < 2 || first === null || last === null || last <= first) return 1000;
  return (last - first) / (count - 1);
}
