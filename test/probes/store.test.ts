import { appendFileSync, existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SampleWriter } from '../../src/probes/store.js';
import { listSampleFiles, readSampleFile } from '../../src/run/sample-reader.js';
import type { Sample, SampleFileHeader } from '../../src/run/samples.js';

const header: SampleFileHeader = {
  type: 'header',
  formatVersion: 1,
  probe: 'web',
  kind: 'http',
  intervalMs: 100,
  timeoutMs: 1000,
  t0: 1_800_000_000_000,
};

function sample(seq: number, ok = true): Sample {
  return {
    probe: 'web',
    seq,
    scheduled: header.t0 + seq * 100,
    ok,
    latencyMs: ok ? 5 + seq : 1000,
    serviceMs: ok ? 5 : null,
    status: ok ? 200 : null,
    error: ok ? null : 'timeout',
  };
}

async function readAll(path: string) {
  const headers: SampleFileHeader[] = [];
  const samples: Sample[] = [];
  const stats = await readSampleFile(
    path,
    (h) => headers.push(h),
    (s) => samples.push(s),
  );
  return { headers, samples, stats };
}

describe('sample store', () => {
  it('writes the header first, flushes whole lines, and gzips on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-store-'));
    const w = new SampleWriter(dir, header);
    for (let i = 0; i < 5; i++) w.write(sample(i, i !== 3));
    expect(readFileSync(w.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    w.flush();
    const lines = readFileSync(w.path, 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(lines[0] as string)).toEqual(header);
    expect(lines).toHaveLength(6);
    const gz = await w.close();
    expect(gz).toBe(join(dir, 'samples', 'web.ndjson.gz'));
    expect(existsSync(w.path)).toBe(false);
    const { headers, samples, stats } = await readAll(gz);
    expect(headers).toEqual([header]);
    expect(samples.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(samples[3]).toEqual(sample(3, false));
    expect(stats).toEqual({ badLines: 0, lastLineBad: false, truncated: false });
    expect(listSampleFiles(dir)).toEqual([{ probe: 'web', path: gz }]);
  });

  it('flushes on its own at least every second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-store-'));
    const w = new SampleWriter(dir, header);
    w.write(sample(0));
    await new Promise((r) => setTimeout(r, 600));
    expect(readFileSync(w.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    await w.close(false);
  });

  it('reads a file whose last line was torn by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-store-'));
    const path = join(dir, 'torn.ndjson');
    writeFileSync(path, `${JSON.stringify(header)}\n${JSON.stringify(sample(0))}\n${JSON.stringify(sample(1))}\n`);
    appendFileSync(path, JSON.stringify(sample(2)).slice(0, 30));
    const { samples, stats } = await readAll(path);
    expect(samples.map((s) => s.seq)).toEqual([0, 1]);
    expect(stats.badLines).toBe(1);
  });

  it('reads what a gzip cut short holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-store-'));
    const path = join(dir, 'cut.ndjson.gz');
    const lines = [JSON.stringify(header), ...Array.from({ length: 2000 }, (_, i) => JSON.stringify(sample(i)))];
    const full = gzipSync(`${lines.join('\n')}\n`);
    writeFileSync(path, full);
    truncateSync(path, Math.floor(full.length * 0.6));
    const { samples, stats } = await readAll(path);
    expect(samples.length).toBeGreaterThan(100);
    expect(samples.length).toBeLessThan(2000);
    expect(samples.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    expect(stats.badLines).toBeLessThanOrEqual(1);
  });

  it('names a file without a header line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-store-'));
    const path = join(dir, 'x.ndjson');
    writeFileSync(path, `${JSON.stringify(sample(0))}\n`);
    await expect(readAll(path)).rejects.toMatchObject({ code: 'SamplesInvalid' });
  });
});
