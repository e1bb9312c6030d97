import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultDefinition } from '../../../src/experiments/faults/registry.js';
import type { FaultContext } from '../../../src/experiments/faults/types.js';
import { buildPlan } from '../../../src/experiments/plan/build.js';
import { resolveResources } from '../../../src/experiments/resources/registry.js';
import { type ScenarioInput, scenarioSchema } from '../../../src/experiments/schema/scenario.js';
import { watchIntervalMs } from '../../../src/experiments/watchers/interval.js';
import { RecordingSink } from '../../../src/io/messages.js';
import { Journal } from '../../../src/run/journal.js';
import { AnchoredClock } from '../../../src/util/clock.js';
import { fakeAws } from '../../_helpers/fake-aws.js';
import { FakeClock } from '../../probes/_fake-clock.js';

function scenario(fault: Record<string, unknown>, observe: Record<string, unknown> = {}, provider = 'lab') {
  const input = {
    version: 1,
    metadata: { name: 'az' },
    target: { provider, region: 'us-east-1', allowedAccounts: ['123456789012'] },
    resources: { web: { type: 'ec2-instance', ids: ['i-1', 'i-2'] } },
    steps: { baseline: '1s', faults: [fault], observe: { timeout: '1m', ...observe } },
  } as unknown as ScenarioInput;
  return scenarioSchema.parse(input);
}

/** The CreateExperimentTemplate request an az-impairment with fis: true sends. */
async function templateSent(fault: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const s = scenario({
    id: 'lose-a',
    type: 'az-impairment',
    az: 'us-east-1a',
    resources: ['web'],
    fis: true,
    ...fault,
  });
  const f = fakeAws({
    instances: [
      { id: 'i-1', az: 'us-east-1a', state: 'running' },
      { id: 'i-2', az: 'us-east-1b', state: 'running' },
    ],
  });
  const sent: { roleArn?: string }[] = [];
  const create = f.aws.fis.createExperimentTemplate.bind(f.aws.fis);
  f.aws.fis.createExperimentTemplate = (i) => {
    sent.push(i as { roleArn?: string });
    return create(i);
  };
  const dir = mkdtempSync(join(tmpdir(), 'dp-azfis-'));
  const clock = new FakeClock();
  const timeline = new AnchoredClock(clock);
  const ctx: FaultContext = {
    aws: f.aws,
    runId: 'run-1',
    runDir: dir,
    clock,
    timeline,
    journal: Journal.create(join(dir, 'journal.ndjson'), timeline),
    sink: new RecordingSink(),
    signal: new AbortController().signal,
    pollMs: 100,
    waitTimeoutMs: 10_000,
    account: '123456789012',
    resources: await resolveResources(f.aws, s.resources),
    env,
    scenarioDir: dir,
  };
  const step = s.steps.faults[0] as never;
  const actions = (await faultDefinition('az-impairment')?.prepare(step, ctx, undefined)) ?? [];
  for (const a of actions) if (a.setup) await a.setup(ctx);
  return sent;
}

describe('az-impairment with fis: true', () => {
  it("sends the fault's roleArn as the experiment role (the role iam:PassRole is granted on)", async () => {
    const role = 'arn:aws:iam::123456789012:role/shop-fis';
    const sent = await templateSent(
      { roleArn: role },
      { DRILLPROOF_FIS_ROLE_ARN: 'arn:aws:iam::123456789012:role/other' },
    );
    expect(sent.map((t) => t.roleArn)).toEqual([role]);
  });

  it('without roleArn (the lab) falls back to DRILLPROOF_FIS_ROLE_ARN, then the default role name', async () => {
    const env = { DRILLPROOF_FIS_ROLE_ARN: 'arn:aws:iam::123456789012:role/from-env' };
    expect((await templateSent({}, env)).map((t) => t.roleArn)).toEqual([env.DRILLPROOF_FIS_ROLE_ARN]);
    expect((await templateSent({})).map((t) => t.roleArn)).toEqual(['arn:aws:iam::123456789012:role/drillproof-fis']);
  });
});

describe('steps.observe.watch.interval', () => {
  const stop = { id: 'stop', type: 'ec2-stop', resource: 'web' };

  it('is the poll interval of the AWS state watchers; unset, 2s on AWS and 200ms in the lab', () => {
    expect(watchIntervalMs(scenario(stop, { watch: { interval: '750ms' } }))).toBe(750);
    expect(watchIntervalMs(scenario(stop, { watch: { interval: '3s' } }, 'aws'))).toBe(3000);
    expect(watchIntervalMs(scenario(stop, {}, 'aws'))).toBe(2000);
    expect(watchIntervalMs(scenario(stop))).toBe(200);
  });

  it('the plan says the interval the watchers will poll at', () => {
    const observe = (s: ReturnType<typeof scenario>) =>
      JSON.stringify(buildPlan({ scenario: s, path: 'p.yaml', sha256: '0'.repeat(64) }).steps);
    expect(observe(scenario(stop, { watch: { interval: '750ms' } }))).toContain('AWS watchers poll every 750ms');
    expect(observe(scenario(stop, {}, 'aws'))).toContain('AWS watchers poll every 2s');
    expect(observe(scenario(stop))).toContain('AWS watchers poll every 200ms');
  });
});
