import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { labShipLogs } from '../../src/lab/lab.js';
import { useLab } from '../_helpers/lab.js';
import { type CapturedRequest, captureOptions, contractProblems } from '../_helpers/sdk-capture.js';
import { CONTRACT_CASES, caseKey } from '../contract/cases.js';
import { checkLabResponse } from '../contract/responses.js';
import { exerciseLabParts } from './contract-services.js';

/**
 * The lab answers only with what AWS's model of each operation has: every operation the lab
 * serves is called through the real SDK clients, and its raw answer (before the SDK parses, and
 * silently drops, what it does not know) is checked against the model's output shape. The lab
 * runs with every part that serves an AWS API (DynamoDB, Backup, Lambda, ECS, ElastiCache).
 */
const lab = useLab({ dynamodb: true, backup: true, lambda: true, ecs: true, redis: 'replication' });

async function until(ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('the lab did not get there in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('lab answers match the output shapes of the AWS API models', { timeout: 300_000 }, () => {
  it('every operation drillproof calls, as the lab answers it', async () => {
    const info = lab.info();
    const sent: CapturedRequest[] = [];
    const aws = createAwsApis(
      { region: info.region, endpoint: info.awsEndpoint, credentials: info.credentials, maxAttempts: 1 },
      () => {},
      captureOptions(sent),
    );
    const [i1, i2, i3] = info.instances.map((i) => i.id) as [string, string, string];
    const id = await aws.sts.getCallerIdentity({});
    await aws.iam.simulatePrincipalPolicy({
      PolicySourceArn: id.Arn as string,
      ActionNames: ['ec2:StopInstances'],
      ResourceArns: [`arn:aws:ec2:${info.region}:${info.accountId}:instance/${i1}`],
    });
    await aws.ec2.describeInstances({});
    await aws.ec2.stopInstances({ InstanceIds: [i1] });
    await until(
      async () =>
        (await aws.ec2.describeInstances({ InstanceIds: [i1] })).Reservations?.[0]?.Instances?.[0]?.State?.Name ===
        'stopped',
    );
    await aws.ec2.startInstances({ InstanceIds: [i1] });
    await aws.ec2.rebootInstances({ InstanceIds: [i2] });
    // The drill's lease tag, taken and released.
    const lease = [{ Key: 'drillproof:lease', Value: 'run-contract@2026-12-01T00:00:00.000Z' }];
    await aws.ec2.createTags({ Resources: [i2], Tags: lease });
    await aws.ec2.deleteTags({ Resources: [i2], Tags: lease });
    await aws.ec2.terminateInstances({ InstanceIds: [i3] });
    await aws.elbv2.describeTargetGroups({ TargetGroupArns: [info.targetGroupArn] });
    await aws.elbv2.describeLoadBalancers({});
    await aws.elbv2.describeTargetHealth({ TargetGroupArn: info.targetGroupArn });
    await aws.elbv2.deregisterTargets({ TargetGroupArn: info.targetGroupArn, Targets: [{ Id: i2 }] });
    await aws.elbv2.registerTargets({ TargetGroupArn: info.targetGroupArn, Targets: [{ Id: i2 }] });
    await aws.rds.describeDBInstances({});
    await aws.rds.describeDBClusters({});
    const snaps = await aws.rds.describeDBSnapshots({ DBInstanceIdentifier: info.db.instanceId });
    await aws.rds.describeEvents({ SourceIdentifier: info.db.instanceId, SourceType: 'db-instance', Duration: 60 });
    await labShipLogs({ dir: lab.dir() });
    await aws.rds.restoreDBInstanceToPointInTime({
      SourceDBInstanceIdentifier: info.db.instanceId,
      TargetDBInstanceIdentifier: 'lab-db-dp-contract-pitr',
      UseLatestRestorableTime: true,
      Tags: [{ Key: 'drillproof:run-id', Value: 'contract' }],
    });
    const snap = snaps.DBSnapshots?.find((s) => s.Status === 'available')?.DBSnapshotIdentifier as string;
    await aws.rds.restoreDBInstanceFromDBSnapshot({
      DBInstanceIdentifier: 'lab-db-dp-contract-snap',
      DBSnapshotIdentifier: snap,
      MultiAZ: false,
    });
    // A drill's own snapshot (rds-restore from: fresh-snapshot): taken, available, deleted.
    const own = 'lab-db-dp-contract-snap';
    await aws.rds.createDBSnapshot({
      DBInstanceIdentifier: info.db.instanceId,
      DBSnapshotIdentifier: own,
      Tags: [{ Key: 'drillproof:run-id', Value: 'contract' }],
    });
    await until(
      async () =>
        (await aws.rds.describeDBSnapshots({ DBSnapshotIdentifier: own })).DBSnapshots?.[0]?.Status === 'available',
    );
    await aws.rds.deleteDBSnapshot({ DBSnapshotIdentifier: own });
    // The lease on the DB instance and the cluster, taken, read and released.
    for (const arn of [info.db.arn, `arn:aws:rds:${info.region}:${info.accountId}:cluster:${info.aurora?.clusterId}`]) {
      await aws.rds.addTagsToResource({ ResourceName: arn, Tags: lease as { Key: string; Value: string }[] });
      await aws.rds.listTagsForResource({ ResourceName: arn });
      await aws.rds.removeTagsFromResource({ ResourceName: arn, TagKeys: ['drillproof:lease'] });
    }
    await aws.rds.rebootDBInstance({ DBInstanceIdentifier: info.db.instanceId, ForceFailover: true });
    await aws.rds.failoverDBCluster({ DBClusterIdentifier: info.aurora?.clusterId as string });
    for (const d of ['lab-db-dp-contract-pitr', 'lab-db-dp-contract-snap']) {
      await until(
        async () =>
          (await aws.rds.describeDBInstances({ DBInstanceIdentifier: d })).DBInstances?.[0]?.DBInstanceStatus ===
          'available',
      );
      await aws.rds.deleteDBInstance({ DBInstanceIdentifier: d, SkipFinalSnapshot: true });
    }
    const tpl = await aws.fis.createExperimentTemplate({
      clientToken: 'contract-tpl',
      description: 'contract',
      roleArn: `arn:aws:iam::${info.accountId}:role/fis`,
      stopConditions: [{ source: 'none' }],
      targets: {
        one: {
          resourceType: 'aws:ec2:instance',
          resourceArns: [`arn:aws:ec2:${info.region}:${info.accountId}:instance/${i1}`],
          selectionMode: 'ALL',
        },
      },
      actions: { wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT30S' } } },
      tags: { Name: 'contract' },
      experimentReportConfiguration: {
        outputs: { s3Configuration: { bucketName: 'reports', prefix: 'p/' } },
        preExperimentDuration: 'PT1M',
      },
    } as never);
    const tid = tpl.experimentTemplate?.id as string;
    await aws.fis.getExperimentTemplate({ id: tid });
    const ex = await aws.fis.startExperiment({
      experimentTemplateId: tid,
      clientToken: 'contract-ex',
      tags: { 'drillproof:run-id': 'contract' },
    });
    await aws.fis.getExperiment({ id: ex.experiment?.id as string });
    await aws.fis.listExperiments({});
    await aws.fis.stopExperiment({ id: ex.experiment?.id as string });
    await aws.fis.deleteExperimentTemplate({ id: tid });
    await exerciseLabParts(aws, info, sent);
    // The lab without `--asg` is an account without groups: empty answers of the model's shape.
    await aws.autoscaling.describeAutoScalingInstances({ InstanceIds: [i1] });
    await aws.autoscaling.describeAutoScalingGroups({});
    await aws.autoscaling.describeScalingActivities({});

    expect(contractProblems(sent)).toEqual([]);
    const problems = sent.flatMap((r) =>
      r.response
        ? checkLabResponse(r.service, r.operation, r.response.body, r.response.headers)
        : [`${r.service}:${r.operation} no answer captured`],
    );
    expect(problems).toEqual([]);
    const ok = (s: number | undefined) => s !== undefined && s >= 200 && s < 300;
    const answered = new Set(sent.filter((r) => ok(r.response?.status)).map(caseKey));
    expect(
      CONTRACT_CASES.filter((c) => c.lab)
        .map(caseKey)
        .filter((k) => !answered.has(k)),
    ).toEqual([]);
  });
});
