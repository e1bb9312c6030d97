import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../../../src/experiments/iam-policy.js';
import { parseScenarioText } from '../../../src/experiments/load.js';
import { buildPlan } from '../../../src/experiments/plan/build.js';
import { PROBE_KINDS } from '../../../src/probes/kinds/registry.js';

/** Probes that call AWS themselves declare those calls; the plan and the IAM policy grant them. */
const scenario = (probes: string) => `version: 1
metadata: { name: p, description: d, owner: o }
target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }
probes:
${probes}
steps:
  baseline: 10s
  faults: [{ id: x, type: exec, command: ["true"] }]
  observe: { timeout: 1m, recovery: { probes: [hb], hold: 10s } }
`;

function policyOf(text: string) {
  const parsed = parseScenarioText(text, 'p.yaml');
  const plan = buildPlan({ scenario: parsed.scenario as never, path: 'p.yaml', sha256: '0'.repeat(64) });
  return { plan, policy: buildIamPolicy(plan) };
}

/** Each statement's actions by resource, flattened, for comparison. */
function grants(policy: ReturnType<typeof buildIamPolicy>): [string, string][] {
  return policy.Statement.flatMap((s) =>
    s.Action.flatMap((a) =>
      (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => [a, r] as [string, string]),
    ),
  ).sort();
}

describe('the probe IAM slot', () => {
  it('dynamodb-heartbeat: DescribeTable, PutItem and Query on its table are in the plan and the policy', () => {
    const { plan, policy } = policyOf(
      scenario('  - { name: hb, type: dynamodb-heartbeat, interval: 1s, table: shop-orders }'),
    );
    const calls = plan.steps.flatMap((s) => s.awsCalls).filter((c) => c.service === 'dynamodb');
    expect(calls.map((c) => [c.iamAction, c.resources])).toEqual([
      ['dynamodb:DescribeTable', ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders']],
      ['dynamodb:PutItem', ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders']],
      ['dynamodb:Query', ['arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders']],
    ]);
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders';
    expect(grants(policy).filter(([a]) => a.startsWith('dynamodb:'))).toEqual([
      ['dynamodb:DescribeTable', table],
      ['dynamodb:PutItem', table],
      ['dynamodb:Query', table],
    ]);
  });

  it("a table in the probe's own region is granted there", () => {
    const { policy } = policyOf(
      scenario('  - { name: hb, type: dynamodb-heartbeat, interval: 1s, table: t, region: eu-west-1 }'),
    );
    expect(grants(policy).filter(([a]) => a === 'dynamodb:PutItem')).toEqual([
      ['dynamodb:PutItem', 'arn:aws:dynamodb:eu-west-1:123456789012:table/t'],
    ]);
  });

  it('probes that call no AWS API add no statement', () => {
    const { policy } = policyOf(scenario('  - { name: hb, type: http, url: "https://example.com/", interval: 1s }'));
    expect(grants(policy).filter(([a]) => /^(dynamodb|lambda):/.test(a))).toEqual([]);
  });

  it('every kind whose probe calls AWS declares the calls (lambda, dynamodb-heartbeat)', () => {
    const declaring = PROBE_KINDS.filter((k) => k.apiCalls)
      .map((k) => k.kind)
      .sort();
    expect(declaring).toEqual(['dynamodb-heartbeat', 'lambda']);
  });
});
