import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingSink } from '../../../src/io/messages.js';
import { prepareK6Load } from '../../../src/probes/k6/prepare.js';
import { k6RunRecord, startK6Load } from '../../../src/probes/k6/runner.js';
import type { Sample, SampleFileHeader } from '../../../src/run/samples.js';
import { FAKE_K6, type FakeK6Behaviour, fakeK6Env, K6_FIXTURES } from '../../_helpers/fake-k6.js';

const fx = (n: string) => join(K6_FIXTURES, n);

interface RawPoint {
  metric: string;
  type: string;
  data: { time: string; value: number; tags: Record<string, string> | null };
}
const points = (name: string, metric: string): RawPoint[] =>
  readFileSync(fx(name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawPoint)
    .filter((p) => p.type === 'Point' && p.metric === metric);

function readSamples(path: string): { header: SampleFileHeader; samples: Sample[] } {
  const [h, ...rest] = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return { header: JSON.parse(h as string), samples: rest.map((l) => JSON.parse(l)) };
}

function setup(b: FakeK6Behaviour) {
  const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-run-'));
  const argsFile = join(outDir, 'fake-args.json');
  const env = { ...process.env, K6_BIN: FAKE_K6, ...fakeK6Env({ batch: 9, lineMs: 2, ...b, argsFile }) };
  const args = () => JSON.parse(readFileSync(argsFile, 'utf8')) as { argv: string[]; env: Record<string, string> };
  return { outDir, env, args, sink: new RecordingSink() };
}

/** Node 20 has no Promise.withResolvers. */
function signalOnce(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const generate = { generate: { url: 'http://127.0.0.1:18080/', rate: '10/s', timeout: '2s', duration: '6s' } };

describe('startK6Load with the fake k6', () => {
  it('runs generated load: tails split lines into samples, reads the handleSummary export', async () => {
    // GIVEN a generated script and a k6 that replays a run with an outage in the middle
    const t = setup({
      fixture: fx('generated-run.ndjson'),
      summary: fx('handle-summary-generated-passed.json'),
      exit: 0,
    });
    const prepared = await prepareK6Load({ config: generate, outDir: t.outDir, env: t.env });
    // WHEN it runs to the end
    const live: Sample[] = [];
    const h = await startK6Load({
      prepared,
      outDir: t.outDir,
      runId: 'run-1',
      env: t.env,
      sink: t.sink,
      tailPollMs: 10,
      onSample: (s) => live.push(s),
    });
    expect(await h.ready).toBe(true);
    const r = await h.done;
    // THEN every wall-clock point became a sample, no line was lost to a split write
    expect(r).toMatchObject({
      exitCode: 0,
      classification: 'passed',
      resultsUsable: true,
      badLines: 0,
      stoppedReason: null,
    });
    const expected = points('generated-run.ndjson', 'drillproof_latency');
    const { header, samples } = readSamples(h.samplesPath);
    expect(header).toMatchObject({
      type: 'header',
      formatVersion: 1,
      probe: 'k6',
      kind: 'k6',
      intervalMs: 100,
      timeoutMs: 2000,
    });
    expect(header.t0).toBe(Math.min(...samples.map((s) => s.scheduled)));
    const view = (ok: boolean, v: number) => [ok, v >= 2000 ? 'T' : v];
    // live: in k6's completion order, as the points arrive
    expect(live.map((s) => view(s.ok, s.latencyMs))).toEqual(
      expected.map((p) => view(p.data.tags?.ok === 'true', p.data.value)),
    );
    // file: in start order (end − latency), numbered 0..n-1 in that order
    const byStart = expected
      .map((p, i) => ({ p, i, start: Date.parse(p.data.time) - p.data.value }))
      .sort((a, b) => a.start - b.start || a.i - b.i);
    expect(samples.map((s) => view(s.ok, s.latencyMs))).toEqual(
      byStart.map(({ p }) => view(p.data.tags?.ok === 'true', p.data.value)),
    );
    expect(samples.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    expect(samples.every((s, i) => i === 0 || s.scheduled >= (samples[i - 1] as Sample).scheduled)).toBe(true);
    expect(r.samples).toBe(expected.length);
    expect(r.failed).toBe(expected.filter((p) => p.data.tags?.ok === 'false').length);
    // the raw k6 output is kept byte for byte
    expect(readFileSync(r.rawOutputPath, 'utf8')).toBe(readFileSync(fx('generated-run.ndjson'), 'utf8'));
    expect(r.thresholds).toEqual({ 'drillproof_latency: p(95)<3000': true });
    expect(r.summary?.shape).toBe('handle-summary');
    expect(k6RunRecord(r)).toMatchObject({ exitCode: 0, classification: 'passed', thresholds: r.thresholds });
    // and k6 was started the way the integration needs
    const a = t.args();
    expect(a.argv).toEqual(
      expect.arrayContaining(['run', '--out', `json=${r.rawOutputPath}`, '--address', `127.0.0.1:${h.port}`]),
    );
    expect(a.argv).toContain(`DRILLPROOF_SUMMARY_PATH=${r.summaryPath}`);
    expect(a.argv).toContain('DRILLPROOF_RUN_ID=run-1');
    expect(a.argv.at(-1)).toBe(prepared.scriptPath);
    expect(a.env.K6_AUTO_EXTENSION_RESOLUTION).toBe('false');
    expect(t.sink.codes()).toEqual(['DP_K6_I0001', 'DP_K6_I0002']);
    expect(existsSync(`${h.samplesPath}.part`)).toBe(false);
  });

  it('runs a user script: --summary-export (inverted booleans), exit 99 → thresholds-failed, dropped iterations', async () => {
    const t = setup({
      fixture: fx('outage-v1.ndjson'),
      summary: fx('summary-export-thresholds-failed.json'),
      exit: 99,
    });
    const h = await startK6Load({
      config: { script: fx('user-script-plain.js'), timeout: '2s' },
      outDir: t.outDir,
      runId: 'run-2',
      env: t.env,
      sink: t.sink,
      tailPollMs: 10,
    });
    const r = await h.done;
    expect(r).toMatchObject({ exitCode: 99, classification: 'thresholds-failed', resultsUsable: true, dropped: 3 });
    expect(r.thresholds).toEqual({
      'http_req_duration: p(95)<500': false,
      'http_req_failed: rate<0.01': false,
      'iterations: count>10': true,
    });
    expect(t.args().argv).toEqual(expect.arrayContaining(['--summary-export', r.summaryPath]));
    const req = points('outage-v1.ndjson', 'http_req_duration');
    const { header, samples } = readSamples(h.samplesPath);
    expect(samples).toHaveLength(req.length + 3);
    // Δ of a user script = mean spacing of request starts (independently: span / (n − 1))
    const starts = samples.filter((s) => !s.late).map((s) => s.scheduled);
    expect(header.intervalMs).toBeCloseTo((Math.max(...starts) - Math.min(...starts)) / (starts.length - 1), 6);
    expect(t.sink.codes()).toContain('DP_K6_W0005');
  });

  it("passes the scenario's env in k6's environment, never on its command line", async () => {
    const t = setup({ fixture: fx('healthy-v2.ndjson'), exit: 0, batch: 100, recordEnv: ['API_TOKEN'] });
    const h = await startK6Load({
      config: { script: fx('user-script-plain.js'), env: { API_TOKEN: 's3cret-value' } },
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      sink: t.sink,
      tailPollMs: 10,
    });
    await h.done;
    const a = t.args();
    expect(a.env.API_TOKEN).toBe('s3cret-value');
    expect(a.argv.join(' ')).not.toContain('s3cret-value');
    expect(JSON.stringify(t.sink.messages)).not.toContain('s3cret-value');
  });

  it('reads the new machine-readable summary shape from --summary-export (k6 v2 opt-in)', async () => {
    const t = setup({
      fixture: fx('healthy-v2.ndjson'),
      summary: fx('machine-readable-1.0.0.json'),
      exit: 0,
      batch: 100,
    });
    const h = await startK6Load({
      config: { script: fx('user-script-plain.js') },
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      tailPollMs: 10,
    });
    const r = await h.done;
    expect(r).toMatchObject({ classification: 'passed', thresholds: {} });
    expect(r.summary?.shape).toBe('machine-readable');
    expect(r.samples).toBe(points('healthy-v2.ndjson', 'http_req_duration').length);
  });

  it('stops k6 through the REST API when the drill aborts', async () => {
    // GIVEN a k6 that would run until stopped, seen running by the status watcher
    const t = setup({
      fixture: fx('generated-run.ndjson'),
      summary: fx('handle-summary-generated-passed.json'),
      hold: true,
    });
    const ac = new AbortController();
    let seen = false;
    const h = await startK6Load({
      config: generate,
      outDir: t.outDir,
      runId: 'run-3',
      env: t.env,
      sink: t.sink,
      signal: ac.signal,
      tailPollMs: 10,
      statusPollMs: 20,
      onSample: () => (seen = true),
    });
    for (let i = 0; i < 500 && !(h.status()?.running && seen); i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.status()).toMatchObject({ statusName: 'running', running: true, stopped: false });
    // WHEN the drill aborts
    ac.abort('guardrail tripped');
    const r = await h.done;
    // THEN k6 was asked to stop, exited 103 and its results are still collected
    expect(r).toMatchObject({ exitCode: 103, classification: 'stopped', stoppedWith: 'rest', resultsUsable: true });
    expect(r.stoppedReason).toBe('aborted: guardrail tripped');
    expect(r.samples).toBeGreaterThan(0);
    expect(r.summary).not.toBeNull();
    expect(t.sink.codes()).toContain('DP_K6_W0001');
  });

  it('falls back to SIGTERM when the REST stop is ignored', async () => {
    const t = setup({ fixture: fx('generated-run.ndjson'), hold: true, ignoreStop: ['rest'] });
    const first = signalOnce();
    const h = await startK6Load({
      config: generate,
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      sink: t.sink,
      stopGraceMs: 200,
      tailPollMs: 10,
      onSample: () => first.resolve(),
    });
    await first.promise;
    const r = await h.stop('drill finished');
    expect(r).toMatchObject({
      exitCode: 105,
      classification: 'stopped',
      stoppedWith: 'sigterm',
      stoppedReason: 'drill finished',
    });
    expect(t.sink.codes()).toContain('DP_K6_W0002');
  });

  it('falls back to SIGKILL when SIGTERM is ignored too', async () => {
    const t = setup({ fixture: fx('generated-run.ndjson'), hold: true, ignoreStop: ['rest', 'sigterm'] });
    const first = signalOnce();
    const h = await startK6Load({
      config: generate,
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      sink: t.sink,
      stopGraceMs: 150,
      killAfterMs: 150,
      tailPollMs: 10,
      onSample: () => first.resolve(),
    });
    await first.promise;
    const r = await h.stop('drill finished');
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', classification: 'stopped', stoppedWith: 'sigkill' });
    expect(t.sink.codes()).toEqual(expect.arrayContaining(['DP_K6_W0002', 'DP_K6_W0003']));
    // whatever k6 wrote before it was killed is still in the samples
    const { header, samples } = readSamples(r.samplesPath);
    expect(header.kind).toBe('k6');
    expect(samples.length).toBe(r.samples);
    expect(r.samples).toBeGreaterThan(0);
  });

  it('stops a user script that runs past its limit', async () => {
    const t = setup({ fixture: fx('outage-v1.ndjson'), hold: true });
    const h = await startK6Load({
      config: { script: fx('user-script-plain.js') },
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      sink: t.sink,
      maxDurationMs: 400,
      tailPollMs: 10,
    });
    const r = await h.done;
    // REST stop (103); on a busy machine k6 may not listen yet, then SIGTERM (105 or a signal death)
    expect(r).toMatchObject({ classification: 'stopped', stoppedReason: 'k6 ran past its limit of 400ms' });
    expect(r.stoppedWith === 'rest' ? r.exitCode === 103 : r.stoppedWith === 'sigterm').toBe(true);
  });

  it('reports a script exception (107) as unusable results with k6 output', async () => {
    const t = setup({ exitAtStart: 107 });
    const h = await startK6Load({
      config: generate,
      outDir: t.outDir,
      runId: 'r',
      env: t.env,
      sink: t.sink,
      tailPollMs: 10,
    });
    expect(await h.ready).toBe(false);
    const r = await h.done;
    expect(r).toMatchObject({ exitCode: 107, classification: 'script-error', resultsUsable: false, samples: 0 });
    const err = t.sink.messages.find((m) => m.code === 'DP_K6_E0001');
    expect(err?.message).toContain('the script threw an exception');
  });

  it('fails preflight before starting k6 when the script needs a missing extension', async () => {
    const t = setup({ version: fx('version-v2.2.0.json') });
    await expect(
      prepareK6Load({ config: { script: fx('user-script-sql.js') }, outDir: t.outDir, env: t.env }),
    ).rejects.toMatchObject({
      code: 'K6ExtensionMissing',
      exitCode: 3,
    });
    // `version` ran, `run` never did
    expect(t.args().argv).toEqual(['version', '--json']);
  });
});
