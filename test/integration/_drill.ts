import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AwsTarget } from '../../src/aws/clients.js';
import { runScenarioFile } from '../../src/experiments/compose/run-file.js';
import { RecordingSink } from '../../src/io/messages.js';
import { type LabUpOptions, labReset } from '../../src/lab/lab.js';
import type { LabInfo } from '../../src/lab/types.js';
import type { WriteOps } from '../../src/run/disk.js';
import { readJournal } from '../../src/run/journal.js';
import { eventually, type LabHandle, labClients, useLab } from '../_helpers/lab.js';
import { type CapturedRequest, captureOptions, contractProblems } from '../_helpers/sdk-capture.js';
import { validateRequest } from '../contract/validate.js';

export const LAB_SCENARIOS = resolve(import.meta.dirname, '..', '..', 'scenarios', 'lab');

// biome-ignore lint/suspicious/noExplicitAny: tests edit YAML documents freely
export type ScenarioDoc = Record<string, any>;

/** A copy of a shipped lab scenario, changed by `mutate`, next to the original (relative files work). */
export function variant(name: string, mutate: (doc: ScenarioDoc) => void): string {
  const src = join(LAB_SCENARIOS, `${name}.yaml`);
  const doc = parse(readFileSync(src, 'utf8')) as ScenarioDoc;
  mutate(doc);
  const dir = mkdtempSync(join(tmpdir(), 'dp-scn-'));
  const out = join(dir, `${name}.yaml`);
  writeFileSync(out, stringify(doc));
  return out;
}

/**
 * Runs a scenario file against the lab. Every request the real SDK clients send, and every call
 * the journal records, is checked against AWS's API model of its operation (test/contract).
 */
export async function drill(
  file: string,
  labDir: string,
  o: { targetOverride?: (t: AwsTarget) => AwsTarget; env?: NodeJS.ProcessEnv; yes?: boolean; writeOps?: WriteOps } = {},
) {
  const out = join(mkdtempSync(join(tmpdir(), 'dp-int-run-')), 'run');
  const sink = new RecordingSink();
  const sent: CapturedRequest[] = [];
  const result = await runScenarioFile(file, {
    yes: o.yes ?? true,
    env: { ...process.env, ...(o.env ?? {}) },
    sink,
    labDir,
    out,
    awsOptions: captureOptions(sent),
    ...(o.targetOverride ? { targetOverride: o.targetOverride } : {}),
    ...(o.writeOps ? { writeOps: o.writeOps } : {}),
  });
  const journal = readJournal(join(out, 'journal.ndjson')).entries;
  const problems = [
    ...contractProblems(sent),
    ...journal
      .filter((e) => e.kind === 'aws.call')
      .flatMap((e) => {
        const d = e.data as { service: string; operation: string; params: unknown };
        return validateRequest(d.service, d.operation, d.params, { journal: true }).map((p) => `journal: ${p}`);
      }),
  ];
  if (problems.length)
    throw new Error(`requests that do not match the AWS API models:\n${[...new Set(problems)].join('\n')}`);
  return { result, sink, journal, runDir: out, sent };
}

/** What "the lab as found" means: every instance running, every target healthy, no restored DB. */
export async function labState(info: LabInfo) {
  const c = labClients(info);
  const inst = await c.ec2.send(new DescribeInstancesCommand({}));
  const states = (inst.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => `${i.InstanceId}:${i.State?.Name}`)
    .sort();
  const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: info.targetGroupArn }));
  const targets = (th.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.TargetHealth?.State}`).sort();
  const dbs = await c.rds.send(new DescribeDBInstancesCommand({}));
  const dbIds = (dbs.DBInstances ?? []).map((d) => d.DBInstanceIdentifier ?? '').sort();
  for (const x of Object.values(c)) x.destroy();
  return { states, targets, dbIds };
}

/** The lab as found at start: all running and healthy. */
export function expectedState(info: LabInfo, dbIds: string[]) {
  return {
    states: info.instances.map((i) => `${i.id}:running`).sort(),
    targets: info.instances.map((i) => `${i.id}:healthy`).sort(),
    dbIds,
  };
}

export interface DrillLab extends LabHandle {
  /** The lab as found at start: every instance running, every target healthy, the initial DBs only. */
  asFound(): ReturnType<typeof expectedState>;
  /** Waits until the lab is as found (instances restart, targets pass health checks), then asserts it. */
  expectAsFound(withinMs: number): Promise<void>;
}

/**
 * One lab for the calling drill test file, and the drill tests' contract with it: every test
 * starts from the lab as found, and the lab is reset after each. `leavesAsFoundWithinMs`: each
 * test must also leave the lab as found within that time (rollback proven, not just reset).
 * `afterTest` runs first (e.g. clearing control-plane faults the test set).
 */
export function useDrillLab(
  opts: Omit<LabUpOptions, 'dir'>,
  o: { leavesAsFoundWithinMs?: number; afterTest?: (lab: LabHandle) => Promise<unknown> } = {},
): DrillLab {
  const lab = useLab(opts);
  let initialDbs: string[] = [];
  const asFound = () => expectedState(lab.info(), initialDbs);
  const untilAsFound = (ms: number) =>
    eventually(async () => JSON.stringify(await labState(lab.info())) === JSON.stringify(asFound()), ms, 200);
  beforeAll(async () => {
    initialDbs = (await labState(lab.info())).dbIds;
  });
  // A reset restarts instances; their targets need a few health checks before they are healthy.
  beforeEach(() => untilAsFound(30_000).then(() => {}), 40_000);
  afterEach(async () => {
    await o.afterTest?.(lab);
    if (o.leavesAsFoundWithinMs !== undefined) {
      await untilAsFound(o.leavesAsFoundWithinMs);
      expect(await labState(lab.info())).toEqual(asFound());
    }
    await labReset({ dir: lab.dir() });
  });
  return {
    ...lab,
    asFound,
    expectAsFound: async (withinMs) => {
      await untilAsFound(withinMs);
      expect(await labState(lab.info())).toEqual(asFound());
    },
  };
}

export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'drillproof.js');

/**
 * Runs the CLI as a real process and SIGKILLs it as soon as its journal contains `marker` (e.g.
 * `"kind":"fault.acknowledged"`: the fault is really in place, the rollback never ran).
 * Returns the run directory. `env` adds to the drill's environment (e.g. the lab's secrets, labEnv).
 */
export async function killedWhen(
  file: string,
  labDir: string,
  marker: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'dp-kill-')), 'run');
  const child: ChildProcess = spawn(process.execPath, [BIN, 'run', file, '--lab', labDir, '--out', out, '--yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, NO_COLOR: '1' },
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let text = '';
  let gone = false;
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.on('exit', () => (gone = true));
  const journal = join(out, 'journal.ndjson');
  for (;;) {
    if (gone) throw new Error(`drill exited before its journal showed ${marker}:\n${text}`);
    if (existsSync(journal) && readFileSync(journal, 'utf8').includes(marker)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
  return out;
}
