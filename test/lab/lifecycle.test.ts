import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RebootDBInstanceCommand, waitUntilDBInstanceAvailable } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import { labDown, labReset, labStatus, labUp, readLabInfo } from '../../src/lab/lab.js';
import { isAlive, ProcessRegistry, processesWithCwdUnder } from '../../src/lab/processes.js';
import { labPaths } from '../../src/lab/state-dir.js';
import type { LabInfo } from '../../src/lab/types.js';
import { runCli } from '../_helpers/cli.js';
import { eventually, labClients } from '../_helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'dp-lab-cli-'));

afterAll(async () => {
  await labDown({ dir });
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

describe('drillproof lab up / status / reset / down', () => {
  let info: LabInfo;
  let pids: number[] = [];

  it('lab up --json starts the lab in under 30 s and prints lab.json', async () => {
    const t0 = Date.now();
    const r = await runCli(['lab', 'up', '--dir', dir, '--json', '--no-aurora']);
    const ms = Date.now() - t0;
    expect(r.code).toBe(0);
    info = JSON.parse(r.stdout) as LabInfo;
    expect(ms).toBeLessThan(30_000);
    expect(info).toMatchObject({ region: 'us-east-1', accountId: '000000000000', stateDir: dir });
    expect(info.awsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.db).toMatchObject({ host: '127.0.0.1', user: 'drillproof', database: 'app', instanceId: 'lab-db' });
    expect(info.db.password.length).toBeGreaterThanOrEqual(20);
    expect(info.instances.map((i) => i.az)).toEqual(['lab-1a', 'lab-1a', 'lab-1b', 'lab-1b']);
    expect(info.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup\//);
    pids = ProcessRegistry.read(labPaths(dir).pidsJson).map((p) => p.pid);
    // supervisor + 4 apps + primary + standby
    expect(pids.length).toBeGreaterThanOrEqual(7);
  });

  it('lab up again returns the running lab instead of starting another', async () => {
    const r = await runCli(['lab', 'up', '--dir', dir, '--json']);
    expect((JSON.parse(r.stdout) as LabInfo).supervisorPid).toBe(info.supervisorPid);
  });

  it('lab reset brings back the initial topology after a stop and a failover', async () => {
    const { ec2, rds } = labClients(info);
    const victim = info.instances[0]?.id as string;
    const gone = info.instances[3]?.id as string;
    await ec2.send(new StopInstancesCommand({ InstanceIds: [victim] }));
    const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone] }));
    expect(term.TerminatingInstances?.[0]?.CurrentState?.Name).toBe('shutting-down');
    await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-db', ForceFailover: true }));
    await waitUntilInstanceStopped(
      { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [victim] },
    );
    await waitUntilInstanceTerminated(
      { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [gone] },
    );
    await waitUntilDBInstanceAvailable(
      { client: rds, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { DBInstanceIdentifier: 'lab-db' },
    );
    expect(
      (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-db' }))).DBInstances?.[0]
        ?.AvailabilityZone,
    ).toBe('lab-1b');
    await labReset({ dir });
    const all = await ec2.send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual(
      info.instances.map(() => 'running'),
    );
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-db' }))).DBInstances?.[0];
    expect([db?.DBInstanceStatus, db?.AvailabilityZone, db?.SecondaryAvailabilityZone]).toEqual([
      'available',
      'lab-1a',
      'lab-1b',
    ]);
    const s = await labStatus({ dir });
    const targets = (s.detail as { targets: { state: string }[] }).targets;
    expect(targets.map((t) => t.state)).toEqual(info.instances.map(() => 'healthy'));
  });

  it('lab status --json reports the running lab', async () => {
    const r = await runCli(['lab', 'status', '--dir', dir, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ running: true, stateDir: dir });
  });

  it('lab down leaves no lab process behind', async () => {
    const all = [...new Set([...pids, ...ProcessRegistry.read(labPaths(dir).pidsJson).map((p) => p.pid)])];
    const r = await runCli(['lab', 'down', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(all.filter((p) => isAlive(p))).toEqual([]);
    expect(processesWithCwdUnder([info.runtimeDir])).toEqual([]);
    const s = await runCli(['lab', 'status', '--dir', dir]);
    expect(s.code).toBe(3);
    expect(s.stdout).toMatch(/no lab running/);
  });

  it('lab down also cleans up after a supervisor killed with SIGKILL', async () => {
    // Also: three AZs, and control-plane faults given at start.
    const again = await labUp({ dir, aurora: false, azCount: 3, faults: { throttleRate: 1, services: ['sts'] } });
    expect(again.instances.map((i) => i.az)).toEqual(['lab-1a', 'lab-1a', 'lab-1b', 'lab-1b', 'lab-1c', 'lab-1c']);
    const throttled = await labClients(again, { maxAttempts: 1 })
      .sts.send(new GetCallerIdentityCommand({}))
      .catch((e) => e);
    expect(throttled.name).toBe('Throttling');
    const recorded = ProcessRegistry.read(labPaths(dir).pidsJson).map((p) => p.pid);
    process.kill(again.supervisorPid, 'SIGKILL');
    await eventually(() => !isAlive(again.supervisorPid), 5000);
    expect(() => readLabInfo(dir)).toThrow(/not running/);
    const r = await labDown({ dir });
    expect(r.leftovers).toBeGreaterThanOrEqual(recorded.length - 1);
    expect(recorded.filter((p) => isAlive(p))).toEqual([]);
    expect(processesWithCwdUnder([again.runtimeDir])).toEqual([]);
  });
});
