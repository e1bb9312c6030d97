import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { parseScenarioText } from '../../../src/experiments/load.js';
import { buildPlan } from '../../../src/experiments/plan/build.js';
import { lambdaProbeKind } from '../../../src/probes/kinds/lambda/definition.js';
import { probeKind, probeSchema } from '../../../src/probes/kinds/registry.js';
import { probeConfigFromScenario, probeConfigsFromScenario } from '../../../src/probes/scenario-config.js';

const entry = { name: 'orders', type: 'lambda', function: 'orders-api', interval: '200ms' };

function problemsOf(e: Record<string, unknown>): string[] {
  try {
    probeConfigFromScenario(e as never);
  } catch (err) {
    if (DrillproofError.is(err)) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('lambda probe kind', () => {
  it('is registered with what it measures: the user-side RTO, no RPO', () => {
    expect(probeKind('lambda')).toBe(lambdaProbeKind);
    expect(lambdaProbeKind.measures).toEqual({ rto: 'user', rpo: false });
    expect(lambdaProbeKind.endpoint(probeSchema.parse(entry) as never)).toEqual({ resource: 'orders-api' });
  });

  it('maps a scenario entry onto the runner config with defaults, in the drill target', () => {
    const aws = {
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    };
    const cfg = probeConfigFromScenario(
      {
        ...entry,
        qualifier: 'live',
        payload: '{"order": 1}',
        timeout: '1500ms',
        expect: { status: [200], bodyContains: 'ok', bodyMatches: '"ok":\\s*true' },
      } as never,
      { aws },
    );
    expect(cfg).toEqual({
      name: 'orders',
      kind: 'lambda',
      intervalMs: 200,
      timeoutMs: 1500,
      maxInFlight: 200,
      functionName: 'orders-api',
      qualifier: 'live',
      payload: '{"order": 1}',
      expect: { status: [200], functionError: false, bodyContains: 'ok', bodyMatches: '"ok":\\s*true' },
      aws,
    });
  });

  it('rate becomes the interval; without a drill target the scenario target and the probe region apply', () => {
    const [cfg] = probeConfigsFromScenario({
      probes: [
        {
          name: 'x',
          type: 'lambda',
          function: 'f',
          rate: '20/s',
          region: 'eu-west-1',
          expect: { functionError: true },
        },
      ],
      target: { region: 'us-east-1' },
    });
    expect(cfg).toMatchObject({
      intervalMs: 50,
      aws: { region: 'eu-west-1' },
      expect: { status: [200], functionError: true },
    });
    const [lab] = probeConfigsFromScenario({
      probes: [{ name: 'x', type: 'lambda', function: 'f', interval: '1s', region: 'eu-west-1' }],
      target: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
    });
    // An endpoint override (the lab) has one region: the probe's own is ignored there.
    expect(lab).toMatchObject({ aws: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' } });
  });

  it('names bad input with its path and what to write instead', () => {
    expect(problemsOf({ ...entry, payload: '{order: 1}' })).toEqual([
      `probes.orders.payload: payload "{order: 1}" is not JSON: write the event as JSON text, e.g. '{"id": 1}'`,
    ]);
    expect(problemsOf({ ...entry, expect: { bodyMatches: '(' } })).toEqual([
      'probes.orders.expect.bodyMatches: invalid regular expression "("',
    ]);
    expect(problemsOf({ ...entry, rate: '5/s' })).toEqual(['probes.orders.rate: give rate or interval, not both']);
    expect(problemsOf({ name: 'orders', type: 'lambda', interval: '1s' })[0]).toMatch(/^probes\.orders\.function: /);
    expect(problemsOf({ ...entry, functionName: 'x' })[0]).toMatch(
      /^probes.orders: unknown keys; allowed: .*"function"/,
    );
  });

  it('the plan describes it and lists lambda:InvokeFunction on the function (qualified when it has a qualifier)', () => {
    const text = `version: 1
metadata: { name: p, description: d, owner: o }
target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }
probes:
  - { name: orders, type: lambda, function: orders-api, qualifier: live, rate: 5/s, timeout: 3s, expect: { bodyContains: ok } }
  - { name: arn, type: lambda, function: "arn:aws:lambda:eu-west-1:210987654321:function:other", interval: 1s }
resources: { fn: { type: lambda-function, function: orders-api } }
steps:
  baseline: 10s
  faults: [{ id: t, type: lambda-throttle, resource: fn }]
  observe: { timeout: 1m, recovery: { probes: [orders], hold: 10s } }
`;
    const parsed = parseScenarioText(text, 'p.yaml');
    const plan = buildPlan({ scenario: parsed.scenario as never, path: 'p.yaml', sha256: '0'.repeat(64) });
    expect(plan.probes.map((p) => p.what)).toEqual([
      'Invoke orders-api:live (RequestResponse) at 5/s, timeout 3s, ok = status 200 and no function error and payload contains "ok"',
      'Invoke arn:aws:lambda:eu-west-1:210987654321:function:other (RequestResponse) every 1s, timeout 2s, ok = status 200 and no function error',
    ]);
    const invokes = plan.steps.flatMap((s) => s.awsCalls).filter((c) => c.operation === 'Invoke');
    expect(invokes.map((c) => [c.iamAction, c.resources])).toEqual([
      ['lambda:InvokeFunction', ['arn:aws:lambda:us-east-1:123456789012:function:orders-api:live']],
      ['lambda:InvokeFunction', ['arn:aws:lambda:eu-west-1:210987654321:function:other']],
    ]);
  });
});
