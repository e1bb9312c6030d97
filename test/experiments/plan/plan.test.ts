import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy, type IamPolicy } from '../../../src/experiments/iam-policy.js';
import { loadScenarioFile, parseScenarioText } from '../../../src/experiments/load.js';
import { buildPlan } from '../../../src/experiments/plan/build.js';
import type { Plan } from '../../../src/experiments/plan/types.js';
import { runCli } from '../../_helpers/cli.js';
import { repoRoot, shippedScenarios } from '../../_helpers/scenario-files.js';

const scenario = (rel: string) => join(repoRoot, rel);

describe('drillproof plan', () => {
  it('plan --json for az-impairment lists the ordered steps with inverses and IAM actions', async () => {
    const r = await runCli(['plan', scenario('scenarios/aws/az-impairment.yaml'), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.steps.map((s) => s.id)).toEqual([
      'preflight.identity',
      'preflight.lose-us-east-1a',
      'preflight.lease',
      'preflight.guardrails',
      'preflight.probes',
      'baseline',
      'inject.lose-us-east-1a',
      'observe',
      'rollback.lose-us-east-1a',
      'verify',
      'evidence',
    ]);
    expect(plan.steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The lease on the instances the fault stops and the database it fails over: tagged, its
    // release the inverse (RDS removes tags by key: read first, removed while still this run's).
    const lease = plan.steps.find((s) => s.id === 'preflight.lease');
    expect(lease?.title).toBe('lease web, db');
    expect(lease?.iamActions).toEqual([
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'rds:AddTagsToResource',
      'rds:ListTagsForResource',
      'rds:RemoveTagsFromResource',
    ]);
    expect(lease?.awsCalls[0]?.tagCondition).toEqual({ key: 'drillproof', value: 'allowed' });
    expect(lease?.awsCalls.find((c) => c.operation === 'AddTagsToResource')?.resources).toEqual(
      lease?.awsCalls.find((c) => c.operation === 'ListTagsForResource')?.resources,
    );
    const inject = plan.steps.find((s) => s.id === 'inject.lose-us-east-1a');
    expect(inject?.destructive).toBe(true);
    expect(inject?.awsCalls.map((c) => c.iamAction)).toEqual(['ec2:StopInstances', 'rds:RebootDBInstance']);
    expect(inject?.awsCalls[1]?.params).toEqual({ ForceFailover: true });
    // The inverse starts the instances and, as the runtime journals rds.await-available for the
    // failover, waits for the database (a read-only call).
    expect(inject?.inverse?.awsCalls.map((c) => c.iamAction)).toEqual([
      'ec2:StartInstances',
      'rds:DescribeDBInstances',
    ]);
    expect(inject?.iamActions).toEqual([
      'ec2:StartInstances',
      'ec2:StopInstances',
      'rds:DescribeDBInstances',
      'rds:RebootDBInstance',
    ]);
    expect(inject?.targets.map((t) => t.resource)).toEqual(['web', 'db']);
    // The required tag guards every destructive call.
    const calls = [...(inject?.awsCalls ?? []), ...(inject?.inverse?.awsCalls ?? [])];
    for (const c of calls.filter((x) => !x.operation.startsWith('Describe'))) {
      expect(c.tagCondition).toEqual({ key: 'drillproof', value: 'allowed' });
    }
    expect(plan.iamActions).toEqual([
      'autoscaling:DescribeAutoScalingInstances',
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'ec2:DescribeInstances',
      'ec2:StartInstances',
      'ec2:StopInstances',
      'elasticloadbalancing:DescribeTargetHealth',
      'iam:SimulatePrincipalPolicy',
      'rds:AddTagsToResource',
      'rds:DescribeDBInstances',
      'rds:DescribeEvents',
      'rds:ListTagsForResource',
      'rds:RebootDBInstance',
      'rds:RemoveTagsFromResource',
      'secretsmanager:GetSecretValue',
      'sts:GetCallerIdentity',
    ]);
    // baseline 1m + observe (typical: max(70s instance, 90s RDS) + 1m hold = 2m30s) + ...
    const observe = plan.steps.find((s) => s.id === 'observe');
    expect(observe?.estimateMs).toEqual({ typical: 150_000, max: 600_000 });
    const sum = plan.steps.reduce((a, s) => a + s.estimateMs.typical, 0);
    expect(plan.estimatedDurationMs.typical).toBe(sum);
    expect(plan.estimatedDurationMs.max).toBeGreaterThanOrEqual(600_000 + 60_000);
  });

  it('prints a readable plan with the inverse of every destructive step', async () => {
    const r = await runCli(['plan', scenario('scenarios/lab/ec2-instance-stop.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/7\. inject {4}stop EC2 instances \(web\) {2}\(destructive\)/);
    expect(r.stdout).toContain('inverse: start the stopped instances');
    expect(r.stdout).toContain('call ec2:StopInstances (DryRun)');
    expect(r.stdout).toMatch(/expected duration: about \d/);
  });

  it.each(shippedScenarios())('every destructive step of %s states its inverse (or that there is none)', (file) => {
    const loaded = loadScenarioFile(scenario(file));
    const plan = buildPlan(loaded);
    const injects = plan.steps.filter((s) => s.phase === 'inject');
    expect(injects.length).toBe(loaded.scenario.steps.faults.length);
    for (const s of injects) expect(s.inverse === null || (s.inverse?.description.length ?? 0) > 0).toBe(true);
    const rollbacks = plan.steps.filter((s) => s.phase === 'rollback').map((s) => s.id);
    const withInverse = injects.filter((s) => s.inverse).map((s) => s.id.replace('inject.', 'rollback.'));
    expect(rollbacks).toEqual(withInverse.reverse());
    expect(plan.estimatedDurationMs.typical).toBeLessThanOrEqual(plan.estimatedDurationMs.max);
  });

  it('lab drills are planned at about a minute', () => {
    for (const file of shippedScenarios().filter((f) => f.startsWith('scenarios/lab/'))) {
      const plan = buildPlan(loadScenarioFile(scenario(file)));
      expect(plan.estimatedDurationMs.typical, file).toBeLessThan(120_000);
    }
  });

  it('estimates a FIS template from its action chain', () => {
    const plan = buildPlan(loadScenarioFile(scenario('scenarios/aws/fis-template.yaml')));
    // One stop-instances action with startInstancesAfterDuration PT5M, + 1m hold.
    expect(plan.steps.find((s) => s.id === 'observe')?.estimateMs.typical).toBe(360_000);
    expect(plan.warnings.join('\n')).toContain(
      'the FIS experiment role needs ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances',
    );
  });

  it('estimates observe with the hold it really waits for: a recovery window longer than the hold', () => {
    const file = scenario('scenarios/aws/fis-template.yaml');
    const text = readFileSync(file, 'utf8');
    const planOf = (t: string) => {
      const l = parseScenarioText(t, file, { baseDir: dirname(file) });
      return buildPlan({ scenario: l.scenario, path: file, sha256: 'x', attachments: l.attachments });
    };
    // rate 10/s: W = max(10 × 100 ms, 5 s) = 5 s; a 1 s hold is held 5 s, a 1 m hold stays 1 m.
    const short = planOf(text.replace('hold: 1m', 'hold: 1s')).steps.find((s) => s.id === 'observe');
    expect(short?.estimateMs.typical).toBe(300_000 + 5_000);
    expect(short?.description).toContain('stays ok for 5s (the recovery window, longer than the hold 1s)');
    const long = planOf(text).steps;
    expect(long.find((s) => s.id === 'observe')?.estimateMs.typical).toBe(360_000);
  });
});

function policyOf(rel: string): IamPolicy {
  return buildIamPolicy(buildPlan(loadScenarioFile(scenario(rel))));
}

function actionsOf(p: IamPolicy): string[] {
  return [...new Set(p.Statement.flatMap((s) => s.Action))].sort();
}

describe('drillproof iam-policy', () => {
  it('prints valid IAM policy JSON', async () => {
    const r = await runCli(['iam-policy', scenario('scenarios/aws/ec2-instance-stop.yaml')]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as IamPolicy;
    expect(p.Version).toBe('2012-10-17');
    const sids = new Set<string>();
    for (const s of p.Statement) {
      expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(sids.has(s.Sid)).toBe(false);
      sids.add(s.Sid);
      expect(s.Effect).toBe('Allow');
      expect(s.Action.length).toBeGreaterThan(0);
      for (const a of s.Action) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      for (const res of [s.Resource].flat()) expect(res === '*' || res.startsWith('arn:aws:')).toBe(true);
    }
    expect(p).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnly1',
          Effect: 'Allow',
          Action: [
            'autoscaling:DescribeAutoScalingInstances',
            'ec2:DescribeInstances',
            'elasticloadbalancing:DescribeLoadBalancers',
            'elasticloadbalancing:DescribeTargetGroups',
            'elasticloadbalancing:DescribeTargetHealth',
            'sts:GetCallerIdentity',
          ],
          Resource: '*',
        },
        {
          Sid: 'Ec2Tagged1',
          Effect: 'Allow',
          Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:StartInstances', 'ec2:StopInstances'],
          Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
          Condition: { StringEquals: { 'aws:ResourceTag/drillproof': 'allowed' } },
        },
        {
          // Preflight proves every other statement with it (IAM SimulatePrincipalPolicy).
          Sid: 'Iam1',
          Effect: 'Allow',
          Action: ['iam:SimulatePrincipalPolicy'],
          Resource: ['arn:aws:iam::123456789012:role/*', 'arn:aws:iam::123456789012:user/*'],
        },
      ],
    });
  });

  it('RDS failover with Secrets Manager: reboot on the one instance, the secret, events', () => {
    const p = policyOf('scenarios/aws/rds-multi-az-failover.yaml');
    expect(actionsOf(p)).toEqual([
      'iam:SimulatePrincipalPolicy',
      'rds:AddTagsToResource',
      'rds:DescribeDBInstances',
      'rds:DescribeEvents',
      'rds:ListTagsForResource',
      'rds:RebootDBInstance',
      'rds:RemoveTagsFromResource',
      'secretsmanager:GetSecretValue',
      'sts:GetCallerIdentity',
    ]);
    // The lease tag calls name the one instance, like the reboot.
    for (const a of ['rds:AddTagsToResource', 'rds:ListTagsForResource', 'rds:RemoveTagsFromResource']) {
      expect(p.Statement.find((s) => s.Action.includes(a))?.Resource, a).toBe(
        'arn:aws:rds:us-east-1:123456789012:db:shop-db',
      );
    }
    const reboot = p.Statement.find((s) => s.Action.includes('rds:RebootDBInstance'));
    expect(reboot?.Resource).toBe('arn:aws:rds:us-east-1:123456789012:db:shop-db');
    const secret = p.Statement.find((s) => s.Action.includes('secretsmanager:GetSecretValue'));
    expect(secret?.Resource).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-drillproof-AbCdEf');
  });

  it('Aurora with IAM database auth needs rds-db:connect for the user', () => {
    const p = policyOf('scenarios/aws/aurora-cluster-failover.yaml');
    const connect = p.Statement.find((s) => s.Action.includes('rds-db:connect'));
    expect(connect?.Resource).toBe('arn:aws:rds-db:eu-west-1:123456789012:dbuser:*/drillproof_iam');
    const failover = p.Statement.find((s) => s.Action.includes('rds:FailoverDBCluster'));
    expect(failover?.Resource).toBe('arn:aws:rds:eu-west-1:123456789012:cluster:shop-aurora');
  });

  it('a FIS template file needs create/start/tag/stop/delete, PassRole for FIS only, and alarms', () => {
    const p = policyOf('scenarios/aws/fis-template.yaml');
    expect(actionsOf(p)).toEqual([
      'cloudwatch:DescribeAlarms',
      'ec2:DescribeInstances', // the confirmation of its EC2 actions
      'fis:CreateExperimentTemplate',
      'fis:DeleteExperimentTemplate',
      'fis:GetExperiment',
      'fis:ListExperiments',
      'fis:StartExperiment',
      'fis:StopExperiment',
      'fis:TagResource',
      'iam:PassRole',
      'iam:SimulatePrincipalPolicy',
      'sts:GetCallerIdentity',
    ]);
    const pass = p.Statement.find((s) => s.Action.includes('iam:PassRole'));
    expect(pass?.Resource).toBe('arn:aws:iam::123456789012:role/drillproof-fis');
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'fis.amazonaws.com' } });
  });

  it('an AWS Backup restore passes its role to AWS Backup, not FIS, and grants its heartbeat the table calls', () => {
    const p = policyOf('scenarios/aws/backup-restore-dynamodb.yaml');
    const pass = p.Statement.find((s) => s.Action.includes('iam:PassRole'));
    expect(pass?.Resource).toBe('arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole');
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } });
    const put = p.Statement.find((s) => s.Action.includes('dynamodb:PutItem'));
    expect(put?.Resource).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders');
  });

  it('a snapshot restore may delete only the restored instance', () => {
    const p = policyOf('scenarios/aws/rds-snapshot-restore.yaml');
    const del = p.Statement.find((s) => s.Action.includes('rds:DeleteDBInstance'));
    expect(del?.Resource).toBe('arn:aws:rds:us-east-1:123456789012:db:shop-db-restore-drill');
    expect(actionsOf(p)).toContain('rds:RestoreDBInstanceFromDBSnapshot');
    expect(actionsOf(p)).toContain('rds:DescribeDBSnapshots');
  });

  it('a fresh-snapshot restore may create, tag and delete only snapshots named by the restore naming rule', () => {
    const text = `version: 1
metadata: { name: fresh }
target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }
resources: { db: { type: rds-instance, id: shop-db } }
probes:
  - name: hb
    type: postgres-heartbeat
    interval: 1s
    connection: { host: db.example.com, port: 5432, database: shop, user: u, password: { env: P } }
steps:
  baseline: 10s
  faults: [{ id: restore, type: rds-restore, resource: db, from: fresh-snapshot, heartbeatProbe: hb, restoredId: shop-copy }]
  observe: { timeout: 45m }
`;
    const { scenario: s } = parseScenarioText(text, 'fresh.yaml');
    const plan = buildPlan({ scenario: s, path: 'fresh.yaml', sha256: '0'.repeat(64) });
    const inject = plan.steps.find((st) => st.id === 'inject.restore');
    const snap = 'arn:aws:rds:us-east-1:123456789012:snapshot:shop-db-dp-*';
    // The snapshot first (not the fault), then the restore from it.
    expect(inject?.awsCalls.map((c) => c.operation)).toEqual([
      'CreateDBSnapshot',
      'AddTagsToResource',
      'DescribeDBSnapshots',
      'RestoreDBInstanceFromDBSnapshot',
      'AddTagsToResource',
    ]);
    expect(inject?.awsCalls[0]?.resources).toEqual([snap, 'arn:aws:rds:us-east-1:123456789012:db:shop-db']);
    expect(inject?.awsCalls[3]?.resources).toContain(snap);
    expect(inject?.inverse?.awsCalls.map((c) => [c.operation, c.resources])).toEqual([
      ['DeleteDBInstance', ['arn:aws:rds:us-east-1:123456789012:db:shop-copy']],
      ['DeleteDBSnapshot', [snap]],
    ]);
    const p = buildIamPolicy(plan);
    const del = p.Statement.find((st) => st.Action.includes('rds:DeleteDBSnapshot'));
    expect(del?.Resource).toBe(snap);
    expect(actionsOf(p)).toContain('rds:CreateDBSnapshot');
    // keep: true leaves the snapshot (and the instance): nothing to delete, nothing granted.
    const kept = parseScenarioText(
      text.replace('restoredId: shop-copy', 'restoredId: shop-copy, keep: true'),
      'k.yaml',
    );
    const keptPolicy = buildIamPolicy(buildPlan({ scenario: kept.scenario, path: 'k.yaml', sha256: '0'.repeat(64) }));
    expect(actionsOf(keptPolicy)).not.toContain('rds:DeleteDBSnapshot');
    expect(actionsOf(keptPolicy)).toContain('rds:CreateDBSnapshot');
  });

  it('KMS signing adds kms:Sign and kms:GetPublicKey on the key', () => {
    const text = `version: 1
metadata: { name: kms }
target: { provider: aws, region: eu-central-1, allowedAccounts: ["111122223333"] }
resources: { db: { type: rds-instance, id: db1 } }
probes: [{ name: web, type: http, url: "https://x.example.com/", interval: 1s }]
steps: { baseline: 10s, faults: [{ id: f, type: rds-failover, resource: db }], observe: { timeout: 5m } }
evidence: { signing: { type: kms, kmsKeyId: "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }
`;
    const { scenario: s } = parseScenarioText(text, 'kms.yaml');
    const p = buildIamPolicy(buildPlan({ scenario: s, path: 'kms.yaml', sha256: '0'.repeat(64) }));
    const sign = p.Statement.find((st) => st.Action.includes('kms:Sign'));
    expect(sign?.Action).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(sign?.Resource).toBe('arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // No tag condition without guardrails.requiredTag.
    expect(p.Statement.find((st) => st.Action.includes('rds:RebootDBInstance'))?.Condition).toBeUndefined();
  });
});
