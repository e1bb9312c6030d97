import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CallRecorder } from '../../src/aws/call-record.js';
import { DrillproofError } from '../../src/errors.js';
import type { DrillInput, DrillScenario } from '../../src/experiments/phases/drill-input.js';
import type { DrillPorts } from '../../src/experiments/phases/ports.js';
import { runDrill } from '../../src/experiments/runner.js';
import { type ScenarioInput, scenarioSchema } from '../../src/experiments/schema/scenario.js';
import { ManualSignalSource } from '../../src/experiments/signals.js';
import { RecordingSink } from '../../src/io/messages.js';
import { readJournal } from '../../src/run/journal.js';
import { type FakeInstance, fakeAws } from '../_helpers/fake-aws.js';
import { fakeProbe } from '../_helpers/fake-probe.js';
import { type CapturedRequest, contractProblems, sdkBacked } from '../_helpers/sdk-capture.js';

// Every request these drills send goes through the real SDK clients and is checked against AWS's
// API models at the end (the fake answers in place of AWS).
const sent: CapturedRequest[] = [];
afterAll(() => {
  expect(sent.length).toBeGreaterThan(0);
  expect(contractProblems(sent)).toEqual([]);
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const baseScenario = (): ScenarioInput => ({
  version: 1,
  metadata: { name: 'ec2-stop-test' },
  target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
  resources: { web: { type: 'ec2-instance', ids: ['i-1'] } },
  probes: [
    {
      name: 'web',
      type: 'http',
      url: 'http://127.0.0.1:9/',
      interval: '20ms',
      recoveryWindow: '200ms',
      dependsOn: ['web'],
    },
  ],
  steps: {
    baseline: '100ms',
    faults: [{ id: 'stop-one', type: 'ec2-stop', resource: 'web' }],
    observe: { timeout: '3s', recovery: { probes: ['web'], hold: '200ms' } },
  },
});
const scenario = (over: (s: ScenarioInput) => void = () => {}): DrillScenario => {
  const s = baseScenario();
  over(s);
  return scenarioSchema.parse(s);
};
const longObserve = (s: ScenarioInput) => {
  (s.steps as { observe: unknown }).observe = { timeout: '5s', recovery: { probes: ['web'], hold: '4s' } };
};

async function drill(
  sc: DrillScenario,
  o: {
    instances?: FakeInstance[];
    upWhile?: (inst: Map<string, FakeInstance>) => boolean;
    failAlways?: boolean;
    signals?: ManualSignalSource;
    account?: string;
    patch?: (f: ReturnType<typeof fakeAws>) => void;
    sink?: RecordingSink;
    db?: { id: string; multiAz: boolean; az: string };
    /** The fake as the AWS surface itself, without the SDK in between (timing tests). */
    direct?: boolean;
  } = {},
) {
  const runDir = mkdtempSync(join(tmpdir(), 'dp-run-'));
  dirs.push(runDir);
  let f!: ReturnType<typeof fakeAws>;
  const sink = o.sink ?? new RecordingSink();
  const evidence: unknown[] = [];
  const ports: DrillPorts = {
    startProbes: fakeProbe(() => (o.upWhile ?? (() => true))(f.instances), { failAlways: o.failAlways ?? false }),
    analyze: async () => ({
      measurements: { schemaVersion: 1, faultAt: null, faultAtMs: null, rto: null, rpo: null, probes: {} },
      objectives: [],
    }),
    writeEvidence: async (_d, rec) => {
      evidence.push(rec);
      return ['evidence.json'];
    },
  };
  const input: DrillInput = {
    scenario: sc,
    scenarioPath: join(runDir, 'in.yaml'),
    scenarioText: 'x: 1\n',
    scenarioSha256: 'abc',
    runDir: join(runDir, 'run'),
    runId: 'run-1',
    yes: false,
    interactive: false,
  };
  const result = await runDrill(input, {
    createAws: (rec: CallRecorder) => {
      f = fakeAws(
        {
          instances: o.instances ?? [
            { id: 'i-1', az: 'us-east-1a', state: 'running' },
            { id: 'i-2', az: 'us-east-1b', state: 'running' },
          ],
          ...(o.account ? { account: o.account } : {}),
          ...(o.db ? { db: o.db } : {}),
        },
        // Through the SDK the client factory records the calls; directly, the fake does.
        o.direct ? rec : () => {},
      );
      o.patch?.(f);
      return o.direct ? f.aws : sdkBacked(f.aws, rec, sent);
    },
    provider: 'lab',
    ports,
    sink,
    pollMs: 10,
    waitTimeoutMs: 2000,
    ...(o.signals ? { signals: o.signals } : {}),
  });
  const journal = readJournal(join(input.runDir, 'journal.ndjson')).entries;
  return { result, f, sink, journal, evidence, input };
}

/** Resolves once the drill announced its first injection. */
async function injected(sink: RecordingSink): Promise<void> {
  while (!sink.codes().includes('DP_INJECT_I3001')) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

describe('runDrill', () => {
  it('records the inverse before the stop, rolls back, and passes', async () => {
    const { result, f, journal, sink } = await drill(scenario(), {
      upWhile: (m) => [...m.values()].some((i) => i.id === 'i-2' && i.state === 'running'),
    });
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.verdict).toBe('passed');
    // The verdict is said once, as the headline.
    const said = sink.messages.filter((m) => m.level === 'result' || /\bverdict\b|^PASSED /.test(m.message));
    expect(said.map((m) => m.code)).toEqual(['DP_RUN_I1009']);
    expect(said[0]?.message).toMatch(new RegExp(`^PASSED .*: RTO .* · exit 0 → ${result.runDir}`));
    const kinds = journal.map((e) => e.kind).filter((k) => k !== 'aws.call' && k !== 'watch.event');
    const inv = kinds.indexOf('inverse.recorded');
    const req = kinds.indexOf('fault.requested');
    expect(inv).toBeGreaterThan(-1);
    expect(inv).toBeLessThan(req);
    expect(kinds).toContain('recovery.detected');
    expect(kinds.at(-1)).toBe('run.finished');
    expect(f.instances.get('i-1')?.state).toBe('running');
    expect(f.calls).toContain('ec2:StopInstances');
    expect(result.record.faults[0]).toMatchObject({ stepId: 'stop-one', rollback: 'succeeded', targets: ['i-1'] });
    // the endpoint the calls went to is recorded: recover sends the rollback to the same place
    expect(journal.find((e) => e.kind === 'run.started')?.data.target).toEqual({
      provider: 'lab',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
    });
    // every AWS call is in the journal with its request id
    const stop = journal.find(
      (e) => e.kind === 'aws.call' && e.data.operation === 'StopInstances' && e.data.ok && !e.data.errorCode,
    );
    expect(stop?.data.requestId).toMatch(/^req-/);
    expect(readFileSync(join(result.runDir, 'scenario.yaml'), 'utf8')).toBe('x: 1\n');
  });

  it('fails preflight with exit 3 and changes nothing when the account is not allowed', async () => {
    const { result, f } = await drill(scenario(), { account: '111111111111' });
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toMatch(/account 111111111111 is not in target.allowedAccounts/);
    expect(f.calls.filter((c) => /Stop|Start|Terminate/.test(c) && !c.includes('Describe'))).toEqual([
      'ec2:StopInstances',
      'ec2:StartInstances',
    ]); // only the DryRun permission checks
    expect(f.instances.get('i-1')?.state).toBe('running');
  });

  it('proves every permission first: a call the caller may not make fails preflight with exit 3, naming it', async () => {
    const asked: { PolicySourceArn?: string; ActionNames?: string[]; ContextEntries?: unknown }[] = [];
    const { result, f } = await drill(
      scenario((s) => {
        (s as { guardrails: unknown }).guardrails = { requiredTag: { key: 'drill', value: 'ok' } };
        s.resources = { web: { type: 'ec2-instance', ids: ['i-1'] } };
      }),
      {
        instances: [{ id: 'i-1', az: 'us-east-1a', state: 'running', tags: { drill: 'ok' } }],
        patch: (fk) => {
          const iam = (fk.aws as unknown as { iam: Record<string, unknown> }).iam;
          iam.simulatePrincipalPolicy = async (i: {
            PolicySourceArn?: string;
            ActionNames?: string[];
            ResourceArns?: string[];
          }) => {
            asked.push(i);
            return {
              EvaluationResults: (i.ActionNames ?? []).map((a) => ({
                EvalActionName: a,
                EvalResourceName: i.ResourceArns?.[0] ?? '*',
                // StartInstances is the rollback: no DryRun of the stop would notice it missing.
                EvalDecision: a === 'ec2:StartInstances' ? 'implicitDeny' : 'allowed',
              })),
            };
          };
        },
      },
    );
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toMatch(
      /permission ec2:StartInstances: .*user\/test may not call ec2:StartInstances on arn:aws:ec2:us-east-1:000000000000:instance\/i-1 \(implicitDeny\)/,
    );
    expect(asked[0]?.PolicySourceArn).toBe('arn:aws:iam::000000000000:user/test');
    // The required tag goes into the simulation as the condition key the policy uses.
    expect(asked.find((a) => a.ActionNames?.includes('ec2:StopInstances'))?.ContextEntries).toEqual([
      { ContextKeyName: 'aws:ResourceTag/drill', ContextKeyValues: ['ok'], ContextKeyType: 'string' },
    ]);
    expect(f.calls.filter((c) => c.startsWith('ec2:Stop') || c.startsWith('ec2:Start'))).toEqual([]);
  });

  it('without permission to simulate, preflight says so and goes on with the DryRun checks', async () => {
    const sink = new RecordingSink();
    const { result } = await drill(scenario(), {
      sink,
      patch: (fk) => {
        const iam = (fk.aws as unknown as { iam: Record<string, unknown> }).iam;
        iam.simulatePrincipalPolicy = async () => {
          throw DrillproofError.user('AwsAccessDenied', 'iam:SimulatePrincipalPolicy was denied', {
            details: { awsCode: 'AccessDenied' },
          });
        };
      },
    });
    expect(result.exitCode).toBe(0);
    const w = sink.messages.find((m) => m.code === 'DP_PREFLIGHT_W2301');
    expect(w?.message).toMatch(
      /not proven: iam:SimulatePrincipalPolicy for .* failed: .*denied; only the calls AWS can DryRun are checked/,
    );
  });

  it('fails preflight with exit 3 when a resource is missing', async () => {
    const { result, f } = await drill(
      scenario((s) => {
        s.resources = { web: { type: 'ec2-instance', ids: ['i-nope'] } };
      }),
    );
    expect(result.exitCode).toBe(3);
    expect(f.calls).not.toContain('ec2:StopInstances');
  });

  it('fails the steady-state check with exit 3 when the baseline is failing', async () => {
    const { result, f } = await drill(scenario(), { failAlways: true });
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toMatch(/steady state/);
    expect(f.instances.get('i-1')?.state).toBe('running');
  });

  it('aborts on a guardrail, rolls back and exits 5', async () => {
    const { result, f, journal } = await drill(
      scenario((s) => {
        s.guardrails = { abort: [{ probe: 'web', errorRate: '50%', window: '100ms' }] };
      }),
      // Detection latency is the subject here: the fake answers directly, without the SDK stack.
      { upWhile: (m) => m.get('i-1')?.state === 'running', direct: true },
    );
    expect(result.exitCode).toBe(5);
    expect(result.record.verdict).toBe('aborted');
    expect(journal.some((e) => e.kind === 'guardrail.tripped')).toBe(true);
    expect(f.instances.get('i-1')?.state).toBe('running');
    // abort within two probe intervals of the crossing: the trip comes soon after F
    const fAt = journal.find((e) => e.kind === 'fault.requested')?.t as number;
    const tripAt = journal.find((e) => e.kind === 'guardrail.tripped')?.t as number;
    expect(tripAt - fAt).toBeLessThan(100 / 2 + 20 * 2 + 60);
  });

  it('rolls back on SIGINT and exits 5', async () => {
    const signals = new ManualSignalSource();
    const sink = new RecordingSink();
    const p = drill(scenario(longObserve), { signals, sink });
    await injected(sink);
    signals.fire('SIGINT');
    const { result, f, journal } = await p;
    expect(result.exitCode).toBe(5);
    expect(journal.some((e) => e.kind === 'signal')).toBe(true);
    expect(f.instances.get('i-1')?.state).toBe('running');
    expect(signals.listenerCount()).toBe(0);
  });

  it('a second SIGINT skips the rollback, leaves the fault in place and exits 6', async () => {
    const signals = new ManualSignalSource();
    const sink0 = new RecordingSink();
    const p = drill(scenario(longObserve), { signals, sink: sink0 });
    await injected(sink0);
    signals.fire('SIGINT');
    signals.fire('SIGINT');
    const { result, f, sink } = await p;
    expect(result.exitCode).toBe(6);
    expect(f.instances.get('i-1')?.state).toBe('stopped');
    expect(result.record.faults[0]?.rollback).toBe('skipped');
    expect(sink.codes()).toContain('DP_RUN_E1003');
  });

  it('exits 6 with the manual steps when the rollback fails', async () => {
    const { result, f } = await drill(scenario(), {
      patch: (fa) => {
        const start = fa.aws.ec2.startInstances;
        fa.aws.ec2.startInstances = async (i) => {
          if (i.DryRun) return start(i);
          throw DrillproofError.aws('AwsCallFailed', 'ec2:StartInstances failed on the AWS side: InternalError');
        };
      },
    });
    expect(result.exitCode).toBe(6);
    expect(f.instances.get('i-1')?.state).toBe('stopped');
    expect(result.record.faults[0]?.manualSteps).toEqual([
      'aws ec2 start-instances --region us-east-1 --instance-ids i-1',
    ]);
    expect(result.record.reason).toContain('aws ec2 start-instances');
  });

  it('refuses a failover of a database that is not Multi-AZ (exit 3, nothing rebooted)', async () => {
    const { result, f } = await drill(
      scenario((s) => {
        s.resources = { db: { type: 'rds-instance', id: 'shop-db' } };
        (s.steps as { faults: unknown[] }).faults = [{ id: 'failover', type: 'rds-failover', resource: 'db' }];
      }),
      { db: { id: 'shop-db', multiAz: false, az: 'us-east-1a' } },
    );
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toContain('shop-db is not Multi-AZ');
    expect(f.calls).not.toContain('rds:RebootDBInstance');
  });

  it('ec2-terminate without an Auto Scaling group: nothing to undo, said in preflight', async () => {
    const { result, f, journal } = await drill(
      scenario((s) => {
        (s.steps as { faults: unknown[] }).faults = [{ id: 'kill', type: 'ec2-terminate', resource: 'web' }];
      }),
      { upWhile: (m) => m.get('i-2')?.state === 'running' },
    );
    expect(result.exitCode).toBe(0);
    expect(f.instances.get('i-1')?.state).toBe('terminated');
    expect(result.record.faults[0]?.rollback).toBe('not-needed');
    const chk = journal.find((e) => e.kind === 'preflight.check' && String(e.data.check).includes('auto-scaling'));
    expect(chk?.data.detail).toContain('terminating them is permanent');
  });

  it('ec2-terminate in an Auto Scaling group: waits for the replacement; none comes → exit 6 with manual steps', async () => {
    const asg = { 'aws:autoscaling:groupName': 'web-asg' };
    const { result } = await drill(
      scenario((s) => {
        (s.steps as { faults: unknown[] }).faults = [
          { id: 'kill', type: 'ec2-terminate', resource: 'web', autoScaling: 'replace' },
        ];
      }),
      {
        instances: [
          { id: 'i-1', az: 'us-east-1a', state: 'running', tags: asg },
          { id: 'i-2', az: 'us-east-1b', state: 'running', tags: asg },
        ],
        upWhile: (m) => m.get('i-2')?.state === 'running',
      },
    );
    expect(result.exitCode).toBe(6);
    expect(result.record.faults[0]?.rollback).toBe('failed');
    expect(result.record.faults[0]?.manualSteps?.join('\n')).toContain(
      'set-desired-capacity --auto-scaling-group-name web-asg --desired-capacity 2',
    );
  });
});
