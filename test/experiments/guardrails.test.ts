import { describe, expect, it } from 'vitest';
import type { CloudWatchApi } from '../../src/aws/apis.js';
import { confirmInjection } from '../../src/experiments/confirm.js';
import { checkStaticGuardrails } from '../../src/experiments/guardrails.js';
import { GuardrailMonitor, type GuardrailTrip } from '../../src/experiments/guardrails-runtime.js';
import type { ResolvedResource } from '../../src/experiments/resources/registry.js';
import { InterruptController, ManualSignalSource } from '../../src/experiments/signals.js';
import type { Sample } from '../../src/run/samples.js';
import { systemClock } from '../../src/util/clock.js';

const sample = (seq: number, ok: boolean, interval = 100): Sample => ({
  probe: 'web',
  seq,
  scheduled: seq * interval,
  ok,
  latencyMs: 1,
  serviceMs: 1,
  status: ok ? 200 : 502,
  error: ok ? null : 'http_status',
});

describe('GuardrailMonitor error-rate rule', () => {
  it('trips at the sample that makes the window cross the threshold, not before', () => {
    const trips: { trip: GuardrailTrip; at: number }[] = [];
    let current = 0;
    const m = new GuardrailMonitor(
      { abort: [{ probe: 'web', errorRate: '50%', window: '1s' }] },
      { clock: systemClock, onTrip: (trip) => trips.push({ trip, at: current }) },
    );
    // GIVEN 20 ok samples (2 s at 100 ms), armed at F = sample 20
    for (let i = 0; i < 20; i++) m.onSample(sample(i, true));
    m.arm();
    // WHEN every sample from F fails
    for (let i = 20; i < 40 && trips.length === 0; i++) {
      current = i;
      m.onSample(sample(i, false));
    }
    // THEN: window (1 s] holds 10 samples; 6 failed = 60% > 50% first at sample 25
    expect(trips).toHaveLength(1);
    expect(trips[0]?.at).toBe(25);
    expect(trips[0]?.trip.detail).toContain('60.0%');
  });

  it('never trips before it is armed (baseline failures are a steady-state matter)', () => {
    const trips: GuardrailTrip[] = [];
    const m = new GuardrailMonitor(
      { abort: [{ probe: 'web', errorRate: '10%', window: '500ms' }] },
      { clock: systemClock, onTrip: (t) => trips.push(t) },
    );
    for (let i = 0; i < 30; i++) m.onSample(sample(i, false));
    expect(trips).toEqual([]);
  });

  it('honours the phase of a rule: fault rules stop at recovery, recovery rules start there', () => {
    const trips: GuardrailTrip[] = [];
    const m = new GuardrailMonitor(
      {
        abort: [
          { probe: 'web', errorRate: '50%', window: '500ms', phase: 'fault' },
          { probe: 'web', errorRate: '90%', window: '500ms', phase: 'recovery' },
        ],
      },
      { clock: systemClock, onTrip: (t) => trips.push(t) },
    );
    for (let i = 0; i < 10; i++) m.onSample(sample(i, true));
    m.arm('recovery');
    // 60% failures: over the fault rule's 50%, under the recovery rule's 90%
    for (let i = 10; i < 20; i++) m.onSample(sample(i, i % 5 < 2));
    expect(trips).toEqual([]);
    for (let i = 20; i < 30; i++) m.onSample(sample(i, false));
    expect(trips.map((t) => t.detail)).toEqual([expect.stringContaining('exceeds 90.0%')]);
  });

  it('trips when a CloudWatch alarm goes to ALARM, and names it', async () => {
    const trips: GuardrailTrip[] = [];
    let polls = 0;
    const cloudwatch = {
      describeAlarms: async (i: { AlarmNames?: string[] }) => {
        polls++;
        return {
          $metadata: {},
          MetricAlarms: (i.AlarmNames ?? []).map((n) => ({ AlarmName: n, StateValue: polls >= 3 ? 'ALARM' : 'OK' })),
        };
      },
    } as unknown as CloudWatchApi;
    const m = new GuardrailMonitor(
      { cloudwatchAlarms: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-5xx'] },
      { clock: systemClock, onTrip: (t) => trips.push(t), cloudwatch, alarmPollMs: 5 },
    );
    m.start(null);
    const t0 = Date.now();
    while (trips.length === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    m.stop();
    expect(polls).toBe(3);
    expect(trips).toEqual([{ guardrail: 'cloudwatch-alarm', detail: 'CloudWatch alarm shop-5xx is in ALARM' }]);
  });

  it('asks for composite alarms too, and trips on a composite alarm in ALARM', async () => {
    const trips: GuardrailTrip[] = [];
    const asked: unknown[] = [];
    const cloudwatch = {
      describeAlarms: async (i: { AlarmNames?: string[]; AlarmTypes?: string[] }) => {
        asked.push(i);
        // DescribeAlarms answers only the types asked for (metric alarms when AlarmTypes is absent).
        const composite = i.AlarmTypes?.includes('CompositeAlarm') === true;
        return {
          $metadata: {},
          MetricAlarms: [],
          CompositeAlarms: composite ? [{ AlarmName: 'checkout-health', StateValue: 'ALARM' }] : [],
        };
      },
    } as unknown as CloudWatchApi;
    const m = new GuardrailMonitor(
      { cloudwatchAlarms: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-health'] },
      { clock: systemClock, onTrip: (t) => trips.push(t), cloudwatch, alarmPollMs: 5 },
    );
    m.start(null);
    const t0 = Date.now();
    while (trips.length === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    m.stop();
    expect(asked[0]).toEqual({ AlarmNames: ['checkout-health'], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
    expect(trips).toEqual([{ guardrail: 'cloudwatch-alarm', detail: 'CloudWatch alarm checkout-health is in ALARM' }]);
  });

  it('trips on max duration', async () => {
    const trips: GuardrailTrip[] = [];
    const m = new GuardrailMonitor({ maxDuration: '50ms' }, { clock: systemClock, onTrip: (t) => trips.push(t) });
    m.start(50);
    await new Promise((r) => setTimeout(r, 120));
    m.stop();
    expect(trips.map((t) => t.guardrail)).toEqual(['max-duration']);
  });
});

describe('checkStaticGuardrails', () => {
  const resources = new Map<string, ResolvedResource>([
    [
      'web',
      {
        name: 'web',
        type: 'ec2-instance',
        targetGroup: null,
        loadBalancers: [],
        instances: [
          { id: 'i-1', az: 'a', state: 'running', tags: { drillproof: 'allowed' }, asgName: null },
          { id: 'i-2', az: 'b', state: 'running', tags: {}, asgName: null },
        ],
      },
    ],
  ]);
  const base = { account: '123456789012', region: 'us-east-1', resources, actions: [], plannedDurationMs: 60_000 };
  it('names the untagged target, the wrong account and the wrong region', () => {
    const out = checkStaticGuardrails({
      ...base,
      allowedAccounts: ['000000000000'],
      guardrails: { allowedRegions: ['eu-west-1'], requiredTag: { key: 'drillproof', value: 'allowed' } },
    });
    expect(out.filter((c) => !c.ok).map((c) => c.detail)).toEqual([
      'account 123456789012 is not in target.allowedAccounts (000000000000)',
      'region us-east-1 is not in guardrails.allowedRegions',
      'i-2 lack the tag drillproof=allowed',
    ]);
  });
  it('fails a plan longer than maxDuration', () => {
    const out = checkStaticGuardrails({ ...base, guardrails: { maxDuration: '30s' } });
    expect(out).toEqual([expect.objectContaining({ check: 'max duration', ok: false })]);
  });
});

describe('confirmInjection', () => {
  const base = { summary: 's', interactive: false, yes: false };
  it('does not ask for the lab in auto mode, refuses AWS without a terminal or --yes', async () => {
    await expect(confirmInjection({ ...base, mode: 'auto', provider: 'lab' })).resolves.toBe('not-needed');
    await expect(confirmInjection({ ...base, mode: 'auto', provider: 'aws' })).rejects.toMatchObject({
      code: 'ConfirmationRequired',
      exitCode: 2,
    });
    await expect(confirmInjection({ ...base, mode: 'auto', provider: 'aws', yes: true })).resolves.toBe('yes-flag');
  });
  it('asks on a terminal; a no is exit 3 with nothing injected', async () => {
    const no = confirmInjection({
      ...base,
      mode: 'always',
      provider: 'lab',
      interactive: true,
      ask: async () => false,
    });
    await expect(no).rejects.toMatchObject({ code: 'ConfirmationDeclined', exitCode: 3 });
    const yes = confirmInjection({
      ...base,
      mode: 'always',
      provider: 'lab',
      interactive: true,
      ask: async () => true,
    });
    await expect(yes).resolves.toBe('confirmed');
  });
});

describe('InterruptController', () => {
  it('aborts on the first signal, flags skip on the second, and unsubscribes', () => {
    const src = new ManualSignalSource();
    const seen: string[] = [];
    const c = new InterruptController(src, {
      onInterrupt: (s, n) => seen.push(`interrupt ${s} ${n}`),
      onSkipRollback: (s, n) => seen.push(`skip ${s} ${n}`),
    });
    expect(c.signal.aborted).toBe(false);
    src.fire('SIGTERM');
    expect(c.signal.aborted).toBe(true);
    expect(c.skipRollback).toBe(false);
    src.fire('SIGINT');
    src.fire('SIGINT');
    expect(c.skipRollback).toBe(true);
    expect(seen).toEqual(['interrupt SIGTERM 1', 'skip SIGINT 2']);
    c.dispose();
    expect(src.listenerCount()).toBe(0);
  });
});
