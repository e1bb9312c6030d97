import type { ProbeApiCall } from '../../probes/kinds/definition.js';
import { probeKind } from '../../probes/kinds/registry.js';
import { dynamoTableArns } from '../resources/dynamodb-table.js';
import { lambdaFunctionArns } from '../resources/lambda-function.js';
import type { Scenario } from '../schema/scenario.js';
import { arns, call, known, type PlanContext } from './context.js';
import type { AwsCall, FaultPlan } from './types.js';

/** The ARNs a probe's own call names, in its region when it has one. */
function probeCallArns(ctx: PlanContext, c: ProbeApiCall): string[] {
  const where = c.region !== undefined && known(c.region) ? { ...ctx, region: c.region } : ctx;
  if (c.resourceType === 'dynamodb-table') return dynamoTableArns(where, c.resource);
  const fn = lambdaFunctionArns(where, c.resource);
  // A qualified invocation needs the qualified ARN in the policy (a version or alias).
  return c.qualifier === undefined ? fn : fn.map((a) => `${a}:${known(c.qualifier) ? c.qualifier : '*'}`);
}

/** AWS calls probes and signing need: secrets, IAM database auth, KMS. */
export function supportCalls(
  s: Scenario,
  ctx: PlanContext,
  faultPlans: [string, FaultPlan][],
): { preflight: AwsCall[]; evidence: AwsCall[] } {
  const preflight: AwsCall[] = [];
  const passwords = [
    ...s.probes.flatMap((p) => probeKind(p.type)?.secrets?.(p as never) ?? []),
    ...faultPlans.flatMap(([, fp]) => fp.secrets ?? []),
  ];
  for (const c of passwords) {
    const pw = c.password;
    if ('secretsManager' in pw) {
      const id = pw.secretsManager;
      const res = known(id)
        ? id.startsWith('arn:')
          ? [id]
          : arns(ctx, 'secretsmanager', `secret:${id}-*`)
        : arns(ctx, 'secretsmanager', 'secret:*');
      preflight.push(call('secretsmanager', 'GetSecretValue', res, { note: 'database password' }));
    }
    if ('rdsIamAuth' in pw) {
      const user = known(c.user) ? c.user : '*';
      preflight.push(
        call('rds-db', 'connect', arns(ctx, 'rds-db', `dbuser:*/${user}`), {
          iamAction: 'rds-db:connect',
          note: 'IAM database authentication token (signed locally)',
        }),
      );
    }
  }
  for (const p of s.probes) {
    for (const c of probeKind(p.type)?.apiCalls?.(p as never) ?? []) {
      preflight.push(call(c.service, c.operation, probeCallArns(ctx, c), { iamAction: c.iamAction, note: c.note }));
    }
  }
  if (s.guardrails.cloudwatchAlarms.length > 0) {
    preflight.push(call('cloudwatch', 'DescribeAlarms', ['*'], { note: 'abort guardrail alarms' }));
  }
  const evidence: AwsCall[] = [];
  if (s.evidence.signing.type === 'kms') {
    const k = s.evidence.signing.kmsKeyId;
    const keyArns = known(k) && k.startsWith('arn:aws:kms:') && k.includes(':key/') ? [k] : arns(ctx, 'kms', 'key/*');
    evidence.push(
      call('kms', 'GetPublicKey', keyArns, { note: 'public key for the pack' }),
      call('kms', 'Sign', keyArns, { params: { MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' } }),
    );
  }
  return { preflight, evidence };
}
