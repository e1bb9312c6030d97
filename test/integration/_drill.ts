import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AwsTarget } from '../../src/aws/clients.js';
import { runScenarioFile } from '../../src/experiments/compose/run-file.js';
import { buildIamPolicy, type IamPolicy } from '../../src/experiments/iam-policy.js';
import { loadScenarioFile } from '../../src/experiments/load.js';
import { buildPlan } from '../../src/experiments/plan/build.js';
import { RecordingSink } from '../../src/io/messages.js';
import { type LabUpOptions, labReset, setLabIamPolicy } from '../../src/lab/lab.js';
import type { LabInfo } from '../../src/lab/types.js';
import type { WriteOps } from '../../src/run/disk.js';
import { readJournal } from '../../src/run/journal.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
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
  o: {
    targetOverride?: (t: AwsTarget) => AwsTarget;
    env?: NodeJS.ProcessEnv;
    yes?: boolean;
    writeOps?: WriteOps;
    waitTimeoutMs?: number;
  } = {},
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
    ...(o.waitTimeoutMs !== undefined ? { waitTimeoutMs: o.waitTimeoutMs } : {}),
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

/** Exactly the policy `drillproof iam-policy` prints for a scenario file. */
export function policyOf(file: string): IamPolicy {
  const l = loadScenarioFile(file);
  return buildIamPolicy(buildPlan({ scenario: l.scenario, path: file, sha256: l.sha256, attachments: l.attachments }));
}

const DENIED = /AccessDenied|UnauthorizedOperation/;

/** A drill's journal under a policy: no call denied, and preflight proved every call allowed. */
export function expectNothingDenied(journal: JournalEntry[]): void {
  const denied = journal.filter((e) => e.kind === 'aws.call' && DENIED.test(String(e.data.errorCode ?? '')));
  expect(denied.map((e) => `${e.data.service}:${e.data.operation} ${e.data.errorCode}`)).toEqual([]);
  const checks = journal.filter((e) => e.kind === 'preflight.check');
  const perm = checks.find((e) => e.data.check === 'permissions');
  const failed = checks.filter((e) => e.data.ok === false).map((e) => `${e.data.check}: ${e.data.detail}`);
  expect(perm?.data, failed.join('\n')).toMatchObject({
    ok: true,
    detail: expect.stringMatching(/user\/lab may make every call of the drill/),
  });
}

/**
 * Every shipped lab scenario, and the drill test file that runs it under exactly its generated IAM
 * policy through `usePolicyRuns` (the drill it checks anyway, so no scenario runs twice for its
 * permissions). iam.test.ts holds this list to the shipped scenarios; each named file's afterAll
 * fails unless it really ran its scenarios that way.
 */
export const POLICY_RUNS: Readonly<Record<string, string>> = {
  'aurora-cluster-failover.yaml': 'aurora.test.ts',
  'az-impairment.yaml': 'drills.test.ts',
  'ec2-instance-stop.yaml': 'drills.test.ts',
  'fis-template.yaml': 'restore-fis.test.ts',
  'rds-multi-az-failover.yaml': 'drills.test.ts',
  'rds-pitr-restore.yaml': 'restore-fis.test.ts',
  'rds-snapshot-restore.yaml': 'restore-fis.test.ts',
  'aurora-mysql-failover.yaml': 'aurora-mysql.test.ts',
  'backup-restore-aurora.yaml': 'backup-restore-aurora.test.ts',
  'backup-restore-dynamodb.yaml': 'backup-restore.test.ts',
  'backup-restore-rds.yaml': 'backup-restore.test.ts',
  'dynamodb-pitr-restore.yaml': 'dynamodb.test.ts',
  'ecs-az-impairment.yaml': 'ecs.test.ts',
  'ecs-task-stop.yaml': 'ecs.test.ts',
  'elasticache-failover.yaml': 'elasticache.test.ts',
  'lambda-invocation-error.yaml': 'lambda.test.ts',
  'lambda-throttle.yaml': 'lambda.test.ts',
};

/**
 * Scenarios of POLICY_RUNS that do not pass under their policy yet, and why. Their file runs them
 * without a policy; iam.test.ts lists them so the gap stays visible.
 */
export const POLICY_RUN_GAPS: Readonly<Record<string, string>> = {};

/** True when vitest runs only the tests matching a name (`-t`): a file's other tests are skipped on purpose. */
const nameFiltered = (): boolean =>
  Boolean(
    (globalThis as { __vitest_worker__?: { config?: { testNamePattern?: unknown } } }).__vitest_worker__?.config
      ?.testNamePattern,
  );

/**
 * For a drill test file (`testFile`: its import.meta.filename): a `drill` that runs the scenario
 * under exactly its generated policy and asserts nothing was denied. After the file, every
 * scenario POLICY_RUNS assigns to it must have run so (unless tests were chosen by name).
 */
export function usePolicyRuns(testFile: string, labDir: () => string) {
  const me = basename(testFile);
  const ran = new Set<string>();
  const clear = () => setLabIamPolicy('lab', null, { dir: labDir() });
  afterEach(async () => {
    await clear();
  });
  afterAll(() => {
    if (nameFiltered()) return;
    const owed = Object.keys(POLICY_RUNS).filter((s) => POLICY_RUNS[s] === me && !ran.has(s) && !POLICY_RUN_GAPS[s]);
    if (owed.length) throw new Error(`${me} did not run ${owed.join(', ')} under its generated IAM policy`);
  });
  return async (file: string, o: Parameters<typeof drill>[2] = {}) => {
    const name = basename(file);
    const policy = policyOf(file);
    // A variant of a shipped scenario stands for it only if it needs exactly the same permissions.
    expect(policy, `${file} needs other permissions than ${name}`).toEqual(policyOf(join(LAB_SCENARIOS, name)));
    await setLabIamPolicy('lab', policy, { dir: labDir() });
    let run: Awaited<ReturnType<typeof drill>>;
    try {
      run = await drill(file, labDir(), o);
    } finally {
      await clear();
    }
    expectNothingDenied(run.journal);
    ran.add(name);
    return run;
  };
}

/**
 * Without any one statement of the scenario's generated policy, preflight fails (exit 3) naming
 * the missing action, and nothing is injected (the run asks for a confirmation that never comes).
 */
export async function expectEveryStatementNeeded(name: string, labDir: string, env: NodeJS.ProcessEnv = {}) {
  const full = policyOf(join(LAB_SCENARIOS, name));
  expect(full.Statement.length).toBeGreaterThan(1);
  const stopped = variant(name.replace(/\.yaml$/, ''), (d) => {
    d.guardrails = { ...(d.guardrails ?? {}), confirm: 'always' };
  });
  cpSync(join(LAB_SCENARIOS, 'fis'), join(dirname(stopped), 'fis'), { recursive: true });
  try {
    for (const [i, st] of full.Statement.entries()) {
      const policy = { ...full, Statement: full.Statement.filter((_, j) => j !== i) };
      await setLabIamPolicy('lab', policy, { dir: labDir });
      const { result, journal, sink } = await drill(stopped, labDir, { yes: false, env });
      expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
      if (st.Action.every((a) => a === 'sts:GetCallerIdentity')) {
        // AWS requires no permission for it (nor does the lab): preflight passes, the confirmation stops the run.
        expect(result.exitCode, result.record.reason).toBe(2);
        expect(result.record.reason).toMatch(/needs confirmation/);
        continue;
      }
      if (st.Action.includes('iam:SimulatePrincipalPolicy')) {
        // Without it nothing can be proven: preflight says so and relies on DryRun alone.
        expect(sink.messages.find((m) => m.code === 'DP_PREFLIGHT_W2301')?.message).toMatch(/not proven/);
        continue;
      }
      expect(result.exitCode, `${st.Sid} removed: ${result.record.reason}`).toBe(3);
      const named = st.Action.filter((a) => result.record.reason?.includes(`permission ${a}:`));
      expect(named.length, `${st.Sid} (${st.Action.join(', ')}) removed: ${result.record.reason}`).toBeGreaterThan(0);
    }
  } finally {
    await setLabIamPolicy('lab', null, { dir: labDir });
  }
}
