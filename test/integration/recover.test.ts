import { join, resolve } from 'node:path';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { sweep } from '../../src/experiments/sweep.js';
import { RecordingSink } from '../../src/io/messages.js';
import { readJournal } from '../../src/run/journal.js';
import { systemClock } from '../../src/util/clock.js';
import { labClients } from '../_helpers/lab.js';
import { killedWhen, LAB_SCENARIOS, labState, type ScenarioDoc, useDrillLab, variant } from './_drill.js';

/**
 * kill -9 of `drillproof run` right after it injected, then `drillproof recover <dir>` (the
 * library function behind it) must bring the lab back, for every kind of inverse.
 */
const lab = useDrillLab({ aurora: false, fisTimeScale: 0.1 });
/**
 * kill -9 as soon as the journal shows the fault was acknowledged by the (lab) AWS API: the fault
 * is really in place, the rollback never ran.
 */
async function killedAfterInjection(file: string, o: { faultVisibleAtOnce?: boolean } = {}): Promise<string> {
  const out = await killedWhen(file, lab.dir(), '"kind":"fault.acknowledged"');
  // The fault is in place: the lab is not as found (a FIS experiment acts a moment later).
  if (o.faultVisibleAtOnce !== false) {
    expect(await labState(lab.info())).not.toEqual(lab.asFound());
  }
  return out;
}

async function recoverAndCheck(runDir: string) {
  const entries = readJournal(join(runDir, 'journal.ndjson')).entries;
  expect(entries.some((e) => e.kind === 'inverse.recorded')).toBe(true);
  expect(entries.some((e) => e.kind === 'run.finished')).toBe(false);
  const r = await recoverRun(runDir, {
    createAws: (t, rec) => createAwsApis(t, rec),
    sink: new RecordingSink(),
    pollMs: 200,
    waitTimeoutMs: 60_000,
  });
  expect(r.exitCode).toBe(0);
  await lab.expectAsFound(20_000);
  return r;
}

/** A shipped scenario with a 1 s baseline: the kill comes right after injection anyway. */
const quick = (name: string, mutate: (d: ScenarioDoc) => void = () => {}) =>
  variant(name, (d) => {
    d.steps.baseline = '1s';
    mutate(d);
  });

describe('kill -9 after injection, then recover', { timeout: 150_000 }, () => {
  it('ec2-stop: starts the stopped instance', async () => {
    const dir = await killedAfterInjection(quick('ec2-instance-stop'));
    const r = await recoverAndCheck(dir);
    // The fault's undo, then the release of the drill's lease on the instances.
    expect(r.outcomes.map((o) => o.stepId)).toEqual(['stop-one', 'lease']);
  });

  it('elbv2-deregister: registers the target again', async () => {
    const file = quick('ec2-instance-stop', (d) => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a scenario variable, resolved by drillproof
      d.resources.tg = { type: 'elbv2-target-group', arn: '${lab.targetGroupArn}' };
      d.steps.faults = [{ id: 'drain-one', type: 'elbv2-deregister', resource: 'web', targetGroup: 'tg' }];
    });
    const dir = await killedAfterInjection(file);
    const r = await recoverAndCheck(dir);
    expect(r.outcomes.map((o) => o.stepId)).toEqual(['drain-one', 'lease']);
  });

  it('az-impairment: starts the AZ again and waits for the database', async () => {
    const dir = await killedAfterInjection(quick('az-impairment'));
    await recoverAndCheck(dir);
  });

  it('rds-restore: deletes the restored instance', async () => {
    const dir = await killedAfterInjection(quick('rds-pitr-restore'));
    const r = await recoverAndCheck(dir);
    expect(r.outcomes.map((o) => o.stepId)).toEqual(['restore']);
  });

  /** The drill snapshots (named by the restore naming rule) the lab holds, through the real SDK client. */
  async function drillSnapshots(): Promise<string[]> {
    const c = labClients(lab.info());
    const res = await c.rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
    for (const x of Object.values(c)) x.destroy();
    return (res.DBSnapshots ?? []).map((x) => x.DBSnapshotIdentifier ?? '').filter((id) => id.startsWith('lab-db-dp-'));
  }

  it('rds-restore fresh-snapshot, killed once the snapshot was requested: recover deletes the snapshot', async () => {
    const dir = await killedWhen(quick('rds-snapshot-restore'), lab.dir(), '"operation":"CreateDBSnapshot"');
    expect(await drillSnapshots()).toHaveLength(1);
    const r = await recoverAndCheck(dir);
    // Still `creating` when killed: the deletion waits until RDS accepts it.
    expect(r.outcomes.map((o) => o.stepId)).toEqual(['restore.before']);
    expect(await drillSnapshots()).toEqual([]);
  });

  it('rds-restore fresh-snapshot, killed after the restore: recover deletes the restored instance and the snapshot', async () => {
    const dir = await killedAfterInjection(quick('rds-snapshot-restore'));
    expect(await drillSnapshots()).toHaveLength(1);
    const r = await recoverAndCheck(dir);
    expect(r.outcomes.map((o) => o.stepId)).toEqual(['restore', 'restore.before']);
    expect(await drillSnapshots()).toEqual([]);
  });

  it('fis-experiment: stops the experiment (found by its run tag) and deletes the template', async () => {
    const dir = await killedAfterInjection(join(LAB_SCENARIOS, 'fis-template.yaml'), { faultVisibleAtOnce: false });
    const r = await recoverAndCheck(dir);
    expect(r.outcomes.map((o) => o.stepId).sort()).toEqual(['fis-stop-one', 'fis-stop-one.setup']);
  });

  it('sweep finds the stopped lab instance and the unfinished run, and starts the instance', async () => {
    const dir = await killedAfterInjection(quick('ec2-instance-stop'));
    const info = lab.info();
    const aws = createAwsApis({ region: info.region, endpoint: info.awsEndpoint, credentials: info.credentials });
    const common = {
      aws,
      sink: new RecordingSink(),
      clock: systemClock,
      labInstanceIds: info.instances.map((i) => i.id),
      runsDir: resolve(dir, '..'),
      pollMs: 200,
      waitTimeoutMs: 60_000,
    };
    const listed = await sweep({ ...common, dryRun: true });
    // This lab runs without DynamoDB, ECS, ElastiCache and Lambda: sweep says it could not list the
    // tables (dynamodb-restore's, and the tables AWS Backup restores restore) nor the services,
    // replication groups and functions (their leases) instead of hiding it.
    expect(
      listed
        .filter((l) => l.kind === 'unchecked')
        .map((l) => l.id)
        .sort(),
    ).toEqual(['backup', 'dynamodb', 'ecs', 'elasticache', 'lambda']);
    expect(
      listed
        .filter((l) => l.kind !== 'unchecked')
        .map((l) => l.kind)
        .sort(),
    ).toEqual(['stopped-lab-instance', 'unfinished-run']);
    const done = await sweep({ ...common, dryRun: false });
    expect(done.find((l) => l.kind === 'stopped-lab-instance')?.done).toBe(true);
    await lab.expectAsFound(20_000);
  });
});
