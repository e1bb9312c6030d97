import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, waitUntilTargetInService } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  CreateExperimentTemplateCommand,
  type CreateExperimentTemplateCommandInput,
  DeleteExperimentTemplateCommand,
  type ExperimentStatus,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListActionsCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  ResourceNotFoundException,
  StartExperimentCommand,
  StopExperimentCommand,
  ValidationException,
} from '@aws-sdk/client-fis';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ transitionMs: 500 });

function fixture(name: string): CreateExperimentTemplateCommandInput {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../_fixtures/fis-templates', name), 'utf8'));
}

/** Polls GetExperiment (FIS has no SDK waiters) and records every distinct state seen. */
async function runToEnd(id: string, timeoutMs = 60_000): Promise<{ states: ExperimentStatus[]; reason?: string }> {
  const { fis } = labClients(lab.info());
  const states: ExperimentStatus[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const e = (await fis.send(new GetExperimentCommand({ id }))).experiment;
    const s = e?.state?.status as ExperimentStatus;
    if (states[states.length - 1] !== s) states.push(s);
    if (['completed', 'stopped', 'failed', 'cancelled'].includes(s)) return { states, reason: e?.state?.reason };
    if (Date.now() > end) throw new Error(`experiment ${id} still ${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('lab FIS through the real SDK', () => {
  it('lists the actions the lab carries out', async () => {
    const { fis } = labClients(lab.info());
    const ids = (await fis.send(new ListActionsCommand({}))).actions?.map((a) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'aws:ec2:stop-instances',
        'aws:rds:failover-db-cluster',
        'aws:rds:reboot-db-instances',
        'aws:fis:wait',
        'aws:network:disrupt-connectivity',
      ]),
    );
  });

  it('runs the public aurora-cluster-failover template from pending to completed, really promoting the reader', async () => {
    const { fis, rds } = labClients(lab.info());
    const t = await fis.send(new CreateExperimentTemplateCommand(fixture('aurora-cluster-failover-template.json')));
    const id = t.experimentTemplate?.id as string;
    expect(id).toMatch(/^EXT/);
    expect((await fis.send(new GetExperimentTemplateCommand({ id }))).experimentTemplate?.description).toBe(
      'aurora-cluster-failover',
    );
    const writer = async () =>
      (
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'lab-aurora' }))
      ).DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    expect(await writer()).toBe('lab-aurora-1');
    const start = await fis.send(
      new StartExperimentCommand({ experimentTemplateId: id, tags: { 'drillproof:run': 'r1' } }),
    );
    expect(start.experiment?.state?.status).toBe('pending');
    const { states } = await runToEnd(start.experiment?.id as string);
    expect(states[states.length - 1]).toBe('completed');
    expect(states).toContain('running');
    expect(await writer()).toBe('lab-aurora-2');
    const e = (await fis.send(new GetExperimentCommand({ id: start.experiment?.id }))).experiment;
    expect(e?.actions?.['failover-aurora-cluster']?.state?.status).toBe('completed');
    expect(e?.tags).toEqual({ 'drillproof:run': 'r1' });
    expect(e?.startTime).toBeInstanceOf(Date);
    const listed = await fis.send(new ListExperimentsCommand({}));
    expect(listed.experiments?.map((x) => x.id)).toContain(start.experiment?.id);
  });

  it('stops one instance chosen by tags + filters + COUNT(1) and starts it again after the duration', async () => {
    const { fis, ec2 } = labClients(lab.info());
    const t = await fis.send(new CreateExperimentTemplateCommand(fixture('lab-stop-one-web-instance-in-lab-1a.json')));
    const start = await fis.send(new StartExperimentCommand({ experimentTemplateId: t.experimentTemplate?.id }));
    const eid = start.experiment?.id as string;
    const stoppedSeen = new Set<string>();
    let done = false;
    const watch = (async () => {
      while (!done) {
        const r = await ec2.send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopping', 'stopped'] }] }),
        );
        for (const i of r.Reservations?.flatMap((x) => x.Instances ?? []) ?? [])
          stoppedSeen.add(`${i.InstanceId} ${i.Placement?.AvailabilityZone}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const { states } = await runToEnd(eid);
    done = true;
    await watch;
    expect(states[states.length - 1]).toBe('completed');
    expect(stoppedSeen.size).toBe(1);
    expect([...stoppedSeen][0]).toMatch(/ lab-1a$/);
    const all = await ec2.send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((x) => x.Instances ?? []).every((i) => i.State?.Name === 'running')).toBe(true);
  });

  it('fails an experiment whose actions the lab cannot carry out, and StopExperiment stops a running one', async () => {
    const { fis } = labClients(lab.info());
    const t = await fis.send(new CreateExperimentTemplateCommand(fixture('mysql-rds-loadtest-failover-template.json')));
    const s = await fis.send(new StartExperimentCommand({ experimentTemplateId: t.experimentTemplate?.id }));
    const r = await runToEnd(s.experiment?.id as string);
    expect(r.states[r.states.length - 1]).toBe('failed');
    expect(r.reason).toMatch(/aws:ssm:send-command/);

    const w = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'wait',
        actions: { Wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } } },
        stopConditions: [{ source: 'none' }],
        roleArn: 'arn:aws:iam::000000000000:role/lab-fis',
      }),
    );
    const run = await fis.send(new StartExperimentCommand({ experimentTemplateId: w.experimentTemplate?.id }));
    const eid = run.experiment?.id as string;
    for (;;) {
      const e = (await fis.send(new GetExperimentCommand({ id: eid }))).experiment;
      if (e?.state?.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const stop = await fis.send(new StopExperimentCommand({ id: eid }));
    expect(stop.experiment?.state?.status).toBe('stopping');
    const end = await runToEnd(eid, 10_000);
    expect(end.states[end.states.length - 1]).toBe('stopped');
    const e = (await fis.send(new GetExperimentCommand({ id: eid }))).experiment;
    expect(e?.actions?.Wait?.state?.status).toBe('stopped');
  });

  it('aws:network:disrupt-connectivity cuts off a lab AZ: its targets time out, the DB primary there fails over', async () => {
    const { fis, elbv2, rds } = labClients(lab.info());
    const t = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'lab-1a power cut',
        targets: {
          SubnetsInA: {
            resourceType: 'aws:ec2:subnet',
            parameters: { availabilityZoneIdentifier: 'lab-1a' },
            selectionMode: 'ALL',
          },
        },
        actions: {
          Disrupt: {
            actionId: 'aws:network:disrupt-connectivity',
            parameters: { duration: 'PT3S', scope: 'availability-zone' },
            targets: { Subnets: 'SubnetsInA' },
          },
        },
        stopConditions: [{ source: 'none' }],
        roleArn: 'arn:aws:iam::000000000000:role/lab-fis',
      }),
    );
    const inA = lab
      .info()
      .instances.filter((i) => i.az === 'lab-1a')
      .map((i) => i.id);
    const start = await fis.send(new StartExperimentCommand({ experimentTemplateId: t.experimentTemplate?.id }));
    const reasons = new Set<string>();
    const answeredBy = new Set<string>();
    let done = false;
    const watch = (async () => {
      while (!done) {
        const h = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: lab.info().targetGroupArn }));
        for (const d of h.TargetHealthDescriptions ?? []) {
          if (inA.includes(d.Target?.Id as string) && d.TargetHealth?.State === 'unhealthy')
            reasons.add(d.TargetHealth.Reason as string);
        }
        if (reasons.size > 0) {
          const r = await fetch(`${lab.info().appUrl}/health`);
          await r.arrayBuffer();
          if (r.status === 200) answeredBy.add(r.headers.get('x-drillproof-instance') as string);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const { states } = await runToEnd(start.experiment?.id as string);
    done = true;
    await watch;
    expect(states[states.length - 1]).toBe('completed');
    expect([...reasons]).toEqual(['Target.Timeout']);
    expect([...answeredBy].every((id) => !inA.includes(id))).toBe(true);
    await waitUntilDBInstanceAvailable(
      { client: rds, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { DBInstanceIdentifier: 'lab-db' },
    );
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-db' }))).DBInstances?.[0];
    expect(db?.AvailabilityZone).toBe('lab-1b');
    await waitUntilTargetInService(
      { client: elbv2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TargetGroupArn: lab.info().targetGroupArn },
    );
  });

  it('errors are the SDK exception classes; templates can be listed and deleted', async () => {
    const { fis } = labClients(lab.info());
    const nf = await fis.send(new GetExperimentCommand({ id: 'EXPdoesnotexist' })).catch((e) => e);
    expect(nf).toBeInstanceOf(ResourceNotFoundException);
    const bad = await fis
      .send(
        new CreateExperimentTemplateCommand({
          description: 'both arns and tags',
          targets: {
            T: {
              resourceType: 'aws:ec2:instance',
              resourceArns: ['arn:aws:ec2:us-east-1:000000000000:instance/i-0a000000000000001'],
              resourceTags: { app: 'web' },
              selectionMode: 'ALL',
            },
          },
          actions: { A: { actionId: 'aws:ec2:reboot-instances', targets: { Instances: 'T' } } },
          stopConditions: [{ source: 'none' }],
          roleArn: 'arn:aws:iam::000000000000:role/lab-fis',
        }),
      )
      .catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationException);
    const list = await fis.send(new ListExperimentTemplatesCommand({}));
    const id = list.experimentTemplates?.[0]?.id as string;
    await fis.send(new DeleteExperimentTemplateCommand({ id }));
    const gone = await fis.send(new GetExperimentTemplateCommand({ id })).catch((e) => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });
});
