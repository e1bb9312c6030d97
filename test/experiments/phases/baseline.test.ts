import { describe, expect, it } from 'vitest';
import { steadyCheck } from '../../../src/experiments/phases/baseline.js';
import { LiveProbeState } from '../../../src/experiments/phases/live-state.js';
import { type ScenarioInput, scenarioSchema } from '../../../src/experiments/schema/scenario.js';
import type { Sample } from '../../../src/run/samples.js';

/** The steady state before injection: samples in the baseline, error rate under the tightest threshold. */
const scenario = (abort: { probe: string; errorRate: string; window: string }[] = []) =>
  scenarioSchema.parse({
    version: 1,
    metadata: { name: 'steady' },
    target: { provider: 'lab', region: 'us-east-1' },
    resources: { web: { type: 'ec2-instance', ids: ['i-1'] } },
    probes: [
      { name: 'web', type: 'http', url: 'http://127.0.0.1:9/', interval: '100ms' },
      { name: 'api', type: 'http', url: 'http://127.0.0.1:9/', interval: '100ms' },
    ],
    steps: {
      baseline: '1s',
      faults: [{ id: 'stop', type: 'ec2-stop', resource: 'web' }],
      observe: { timeout: '1m' },
    },
    guardrails: { abort },
  } satisfies ScenarioInput);

/** 20 web samples at 100 ms from t = 0, `failed` of them failing; no api sample. */
function live(failed: number): LiveProbeState {
  const l = new LiveProbeState();
  for (let i = 0; i < 20; i++) {
    l.add({ probe: 'web', seq: i, scheduled: i * 100, ok: i >= failed, latencyMs: 1, serviceMs: 1 } as Sample);
  }
  return l;
}

describe('steadyCheck', () => {
  it('allows 5 % errors by default, judged behind the newest two intervals; a probe without samples fails', () => {
    // [0, 2000 − 2 × 100) holds 18 samples: 1 failure is 5.6 %, over the 5 % default.
    const one = steadyCheck(scenario(), live(1), 0, 2000, { web: 100, api: 100 });
    expect(one).toEqual([
      {
        check: 'steady web',
        ok: false,
        detail: 'probe web baseline error rate 5.6% over 18 samples (max 5.0%)',
      },
      { check: 'steady api', ok: false, detail: 'probe api produced no sample during the baseline' },
    ]);
    expect(steadyCheck(scenario(), live(0), 0, 2000, { web: 100 })[0]?.ok).toBe(true);
  });

  it('the tightest abort threshold of a probe is its limit', () => {
    const abort = [
      { probe: 'web', errorRate: '20%', window: '1s' },
      { probe: 'web', errorRate: '10%', window: '5s' },
    ];
    expect(steadyCheck(scenario(abort), live(1), 0, 2000, { web: 100 })[0]).toMatchObject({ ok: true });
    expect(steadyCheck(scenario(abort), live(2), 0, 2000, { web: 100 })[0]).toMatchObject({
      ok: false,
      detail: 'probe web baseline error rate 11.1% over 18 samples (max 10.0%)',
    });
  });
});
