import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTERNAL_PENDING, withK6Load } from '../../src/experiments/compose/k6-load.js';
import type { DrillPorts } from '../../src/experiments/phases/ports.js';
import { RecordingSink } from '../../src/io/messages.js';
import type { Measurements, ObjectiveVerdict } from '../../src/run/measurements.js';
import { writeRunnerFiles } from '../_fixtures/k6/make-runners.js';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, copyRun } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

/** F of the ec2-stop-passed fixture run (its journal's fault.acknowledged of the first fault). */
const F = 1795256134000;

/** The fixture drill as it was written by a run with `load.k6.external`: k6 objectives not judged yet. */
async function externalLoadRun(k6Objectives: string): Promise<string> {
  const dir = await copyRun('ec2-stop-passed');
  const path = join(dir, 'run.json');
  const record = JSON.parse(readFileSync(path, 'utf8'));
  record.scenario.text = record.scenario.text
    .replace(
      'latency: [ { probe: web, phase: recovery, p95: 800ms } ]',
      `latency: [ { probe: web, phase: recovery, p95: 800ms }, ${k6Objectives} ]`,
    )
    .concat('load:\n  k6:\n    external: { runners: 3, description: k6-operator TestRun shop-load }\n');
  record.k6 = { exitCode: null, classification: EXTERNAL_PENDING, thresholds: {} };
  writeFileSync(path, JSON.stringify(record, null, 2));
  return dir;
}

describe('load from outside drillproof (load.k6.external)', () => {
  it('import-k6 --run adds three runners to the drill, analyses them per phase with F from the journal, and judges their objectives', async () => {
    const files = writeRunnerFiles(await mkdtemp(join(tmpdir(), 'dp-ext-')), F - 7500);
    const dir = await externalLoadRun('{ probe: k6, phase: fault, p95: 5s }');
    const r = await runCli(['import-k6', '--run', dir, ...files, '--timeout', '2s']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('of 3 runners (k6-runner-1: ');
    expect(r.stdout).toMatch(/PASSED ec2-instance-stop: .*objectives 5\/5 met/);
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(record.objectives.map((o: ObjectiveVerdict) => o.name)).toContain('p95:k6:fault');
    const k6 = record.measurements.probes.k6;
    expect(k6.phases.baseline.scheduled + k6.phases.fault.scheduled + k6.phases.recovery.scheduled).toBe(
      k6.phases.all.scheduled,
    );
    // F is the drill's, not the load's: the fault phase starts at the journal's fault time.
    expect(record.measurements.faultAtMs).toBe(F);
    expect(k6.phases.fault.startMs).toBe(F);
    expect(record.k6.classification).toBe('external: 3 runner(s) imported');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('### k6 (k6');
    const ev = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'));
    expect(ev.objectives).toHaveLength(5);
  });

  it('a k6 objective that does not hold fails the drill (exit 4); a signed pack is to be signed again', async () => {
    const files = writeRunnerFiles(await mkdtemp(join(tmpdir(), 'dp-ext-')), F - 7500);
    const dir = await externalLoadRun('{ probe: k6, phase: fault, p95: 100ms }');
    const key = join(dir, '..', 'k.pem');
    const { generateSigningKey } = await import('../../src/reports/signing/keys.js');
    writeFileSync(key, generateSigningKey('ecdsa-p256').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect((await runCli(['sign', dir, '--key', key])).code).toBe(0);
    const r = await runCli(['import-k6', '--run', dir, ...files, '--timeout', '2s']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAILED ec2-instance-stop: .*objectives 4\/5 met · exit 4/);
    expect(r.stderr).toContain('sign it again');
    expect((await runCli(['verify', dir])).code).toBe(9);
    expect((await runCli(['sign', dir, '--key', key])).code).toBe(0);
    expect((await runCli(['verify', dir])).code).toBe(0);
  });

  it('during the drill: no k6 is started, the run says how to import, and k6 objectives wait for the data', async () => {
    const sink = new RecordingSink();
    const objectives = [
      { name: 'rto', ok: true },
      { name: 'p95:k6:fault', ok: false },
      { name: 'availability:web:all', ok: true },
    ] as ObjectiveVerdict[];
    let started = 0;
    const ports = {
      startProbes: async () => {
        started++;
        return { onSample: () => {}, intervals: () => ({}), stop: async () => {} };
      },
      analyze: async () => ({ measurements: { probes: {} } as unknown as Measurements, objectives }),
      writeEvidence: async (_d: string, rec: { k6?: unknown }) => [JSON.stringify(rec.k6)],
    } as unknown as DrillPorts;
    const wrapped = withK6Load(ports, { scenarioDir: '.', sink });
    const scenario = { load: { k6: { external: { probe: 'k6', runners: 3 } } }, steps: { faults: [] } };
    await wrapped.startProbes({ scenario, runDir: '/runs/x', runId: 'x' } as never);
    expect(started).toBe(1);
    expect(sink.codes()).toContain('DP_K6_I0201');
    expect(sink.messages.find((m) => m.code === 'DP_K6_I0201')?.message).toContain(
      'drillproof import-k6 --run /runs/x',
    );
    const a = await wrapped.analyze({ runDir: '/runs/x', scenario, journal: [] } as never);
    expect(a.objectives.map((o) => o.name)).toEqual(['rto', 'availability:web:all']);
    expect(sink.codes()).toContain('DP_K6_W0201');
    const files = await wrapped.writeEvidence('/runs/x', {} as never);
    expect(JSON.parse(files[0] as string)).toMatchObject({ classification: EXTERNAL_PENDING });
  });
});
