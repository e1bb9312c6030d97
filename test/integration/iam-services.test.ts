import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { labClientConfig, labEnv, setLabIamPolicy } from '../../src/lab/lab.js';
import type { LabInfo } from '../../src/lab/types.js';
import { useLab } from '../_helpers/lab.js';
import { expectEveryStatementNeeded, POLICY_RUNS } from './_drill.js';

/**
 * The lab's IAM for the services of its optional parts: each call is authorized as the Service
 * Authorization Reference defines its action and resource ARN, so a policy allowing exactly
 * those passes, one without the action (or scoped to another resource) gets the service's
 * access-denied error.
 */
const lab = useLab({
  dynamodb: true,
  backup: true,
  lambda: true,
  ecs: true,
  redis: 'replication',
  redisTls: true,
  auroraMysql: true,
});

interface Probe {
  service: string;
  action: string;
  resource: (i: LabInfo) => string;
  /** Another resource of the same type: a statement scoped to it must not allow the call. */
  other: (i: LabInfo) => string;
  call: (i: LabInfo) => Promise<unknown>;
}

const cfg = (i: LabInfo) => ({ ...labClientConfig(i), maxAttempts: 1 });
const A = (i: LabInfo) => `${i.region}:${i.accountId}`;

const PROBES: Probe[] = [
  {
    service: 'dynamodb',
    action: 'dynamodb:DescribeTable',
    resource: (i) => `arn:aws:dynamodb:${A(i)}:table/${i.dynamodb?.tableName}`,
    other: (i) => `arn:aws:dynamodb:${A(i)}:table/other`,
    call: (i) => new DynamoDBClient(cfg(i)).send(new DescribeTableCommand({ TableName: i.dynamodb?.tableName })),
  },
  {
    service: 'backup',
    action: 'backup:ListRecoveryPointsByBackupVault',
    resource: (i) => `arn:aws:backup:${A(i)}:backup-vault:${i.backup?.vaultName}`,
    other: (i) => `arn:aws:backup:${A(i)}:backup-vault:other`,
    call: (i) =>
      new BackupClient(cfg(i)).send(
        new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: i.backup?.vaultName }),
      ),
  },
  {
    service: 'lambda',
    action: 'lambda:GetFunctionConfiguration',
    resource: (i) => `arn:aws:lambda:${A(i)}:function:${i.lambda?.functionName}`,
    other: (i) => `arn:aws:lambda:${A(i)}:function:other`,
    call: (i) =>
      new LambdaClient(cfg(i)).send(new GetFunctionConfigurationCommand({ FunctionName: i.lambda?.functionName })),
  },
  {
    service: 'ecs',
    action: 'ecs:DescribeServices',
    resource: (i) => `arn:aws:ecs:${A(i)}:service/${i.ecs?.clusterName}/${i.ecs?.serviceName}`,
    other: (i) => `arn:aws:ecs:${A(i)}:service/${i.ecs?.clusterName}/other`,
    call: (i) =>
      new ECSClient(cfg(i)).send(
        new DescribeServicesCommand({ cluster: i.ecs?.clusterName, services: [i.ecs?.serviceName as string] }),
      ),
  },
  {
    service: 'elasticache',
    action: 'elasticache:DescribeReplicationGroups',
    resource: (i) => `arn:aws:elasticache:${A(i)}:replicationgroup:${i.elasticache?.replicationGroupId}`,
    other: (i) => `arn:aws:elasticache:${A(i)}:replicationgroup:other`,
    call: (i) =>
      new ElastiCacheClient(cfg(i)).send(
        new DescribeReplicationGroupsCommand({ ReplicationGroupId: i.elasticache?.replicationGroupId }),
      ),
  },
];

const policy = (statements: { action: string; resource: string }[]) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => ({ Effect: 'Allow', Action: s.action, Resource: s.resource })),
});

async function denial(p: Promise<unknown>): Promise<{ name: string; message: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}

afterEach(async () => {
  await setLabIamPolicy('lab', null, { dir: lab.dir() });
});

describe('lab IAM for DynamoDB, Backup, Lambda, ECS and ElastiCache', { timeout: 120_000 }, () => {
  it('a policy with exactly each action on its resource ARN allows every call', async () => {
    const i = lab.info();
    await setLabIamPolicy('lab', policy(PROBES.map((p) => ({ action: p.action, resource: p.resource(i) }))), {
      dir: lab.dir(),
    });
    for (const p of PROBES) expect(await denial(p.call(i)), p.action).toBeUndefined();
  });

  it('without the action, each service answers its access-denied error naming action and resource', async () => {
    const i = lab.info();
    for (const p of PROBES) {
      const rest = PROBES.filter((x) => x !== p).map((x) => ({ action: x.action, resource: x.resource(i) }));
      await setLabIamPolicy('lab', policy(rest), { dir: lab.dir() });
      const d = await denial(p.call(i));
      expect(d?.name, p.action).toBe(p.service === 'elasticache' ? 'AccessDenied' : 'AccessDeniedException');
      expect(d?.message).toContain(`not authorized to perform: ${p.action} on resource: ${p.resource(i)}`);
    }
  });

  it('the action allowed only on another resource of the same type is denied', async () => {
    const i = lab.info();
    for (const p of PROBES) {
      await setLabIamPolicy('lab', policy([{ action: p.action, resource: p.other(i) }]), { dir: lab.dir() });
      expect((await denial(p.call(i)))?.message, p.action).toContain(`${p.action} on resource: ${p.resource(i)}`);
    }
  });
});

// Their drills run under the full policy in the files POLICY_RUNS names; here, on the one lab with
// every part, each statement is shown to be needed (preflight only: nothing is injected).
describe('optional-part scenarios: removing any one statement fails preflight, naming the action', () => {
  for (const name of Object.keys(POLICY_RUNS))
    it(name, { timeout: 170_000 }, () => expectEveryStatementNeeded(name, lab.dir(), labEnv(lab.info())));
});
