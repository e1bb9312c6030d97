import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { StartExperimentCommand } from '@aws-sdk/client-fis';
import { RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setLabIamPolicy } from '../../src/lab/lab.js';
import { labClients, useLab } from '../_helpers/lab.js';
import { expectEveryStatementNeeded, LAB_SCENARIOS, POLICY_RUN_GAPS, POLICY_RUNS } from './_drill.js';

/**
 * Least privilege, enforced: the lab's credentials get exactly the policy `drillproof iam-policy`
 * prints for a scenario, and the lab evaluates every call against it with the IAM policy
 * simulator. Each shipped lab scenario runs end to end under its own policy; without any one
 * statement of it, preflight fails (exit 3) naming the missing action before anything runs.
 */
const lab = useLab();
/**
 * Each lab scenario runs end to end under its policy in the drill test file that checks that drill
 * anyway (POLICY_RUNS); this file proves each statement of the scenarios without an optional lab
 * part needed (those with one: iam-services.test.ts, whose lab has every part).
 */
const NEEDS_OPTIONAL_PART = /^(ecs-|lambda-|elasticache-|dynamodb-|aurora-mysql-|backup-)/;
const allScenarios = readdirSync(LAB_SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const scenarios = allScenarios.filter((f) => !NEEDS_OPTIONAL_PART.test(f));

describe('every lab scenario is run under its policy somewhere', () => {
  it('POLICY_RUNS assigns every shipped lab scenario to a file that runs it so', () => {
    expect(Object.keys(POLICY_RUNS).sort()).toEqual(allScenarios);
    for (const [scenario, file] of Object.entries(POLICY_RUNS)) {
      // That file's afterAll fails unless it ran the scenario through usePolicyRuns.
      const src = readFileSync(join(import.meta.dirname, file), 'utf8');
      expect(src, file).toContain('usePolicyRuns(import.meta.filename');
      expect(src, file).toContain(scenario.replace(/\.yaml$/, ''));
    }
    // Known gaps, each with its reason.
    for (const [s, why] of Object.entries(POLICY_RUN_GAPS)) {
      expect(POLICY_RUNS[s], s).toBeDefined();
      console.log(`not yet run under its policy: ${s}: ${why}`);
    }
  });
});

afterEach(async () => {
  await setLabIamPolicy('lab', null, { dir: lab.dir() });
});
afterAll(async () => {
  await setLabIamPolicy('lab', null, { dir: lab.dir() }).catch(() => {});
});

describe("denials come back in each service's own envelope", () => {
  const readOnly = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['ec2:Describe*', 'rds:Describe*', 'elasticloadbalancing:Describe*', 'fis:Get*', 'fis:List*'],
        Resource: '*',
      },
      { Effect: 'Deny', Action: 'rds:RebootDBInstance', Resource: '*' },
    ],
  };

  it('EC2 UnauthorizedOperation with an encoded message, RDS and ELBv2 AccessDenied, FIS AccessDeniedException', async () => {
    const info = lab.info();
    await setLabIamPolicy('lab', readOnly, { dir: lab.dir() });
    const c = labClients(info, { maxAttempts: 1 });
    const id = info.instances[0]?.id as string;
    const ec2 = await c.ec2.send(new StopInstancesCommand({ InstanceIds: [id] })).catch((e: Error) => e);
    expect(ec2).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect((ec2 as Error).message).toMatch(
      new RegExp(
        `^You are not authorized to perform this operation\\. User: arn:aws:iam::000000000000:user/lab is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:000000000000:instance/${id} because no identity-based policy allows the ec2:StopInstances action\\. Encoded authorization failure message: [A-Za-z0-9_-]+$`,
      ),
    );
    const encoded = (ec2 as Error).message.split('Encoded authorization failure message: ')[1] as string;
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toMatchObject({
      allowed: false,
      context: { action: 'ec2:StopInstances' },
    });
    // DryRun is a permission check: denied the same way.
    const dry = await c.ec2.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })).catch((e: Error) => e);
    expect(dry).toMatchObject({ name: 'UnauthorizedOperation' });
    const rds = await c.rds
      .send(new RebootDBInstanceCommand({ DBInstanceIdentifier: info.db.instanceId }))
      .catch((e: Error) => e);
    expect(rds).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((rds as Error).message).toContain(
      'rds:RebootDBInstance on resource: arn:aws:rds:us-east-1:000000000000:db:lab-db with an explicit deny',
    );
    const elb = await c.elbv2
      .send(new DeregisterTargetsCommand({ TargetGroupArn: info.targetGroupArn, Targets: [{ Id: id }] }))
      .catch((e: Error) => e);
    expect(elb).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const fis = await c.fis
      .send(new StartExperimentCommand({ experimentTemplateId: 'EXTnone' }))
      .catch((e: Error) => e);
    expect(fis).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    // Reads stay allowed; and without a policy everything is allowed again.
    await c.ec2.send(new DescribeInstancesCommand({}));
    await setLabIamPolicy('lab', null, { dir: lab.dir() });
    await expect(c.ec2.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true }))).rejects.toMatchObject({
      name: 'DryRunOperation',
    });
    for (const x of Object.values(c)) x.destroy();
  });
});

describe('removing any one statement fails preflight, naming the missing action', { timeout: 170_000 }, () => {
  for (const name of scenarios) it(name, () => expectEveryStatementNeeded(name, lab.dir()));
});
