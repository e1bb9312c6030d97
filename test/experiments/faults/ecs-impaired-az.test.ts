import { describe, expect, it } from 'vitest';
import { flagImpairedAzPlacements } from '../../../src/experiments/faults/ecs/impaired-az.js';
import type { FaultAction, FaultContext } from '../../../src/experiments/faults/types.js';
import { RecordingSink } from '../../../src/io/messages.js';
import { replacementText } from '../../../src/reports/confirmation-text.js';
import type { ServiceReplacement } from '../../../src/run/replacements.js';

const rep = (azs: string[]): ServiceReplacement => ({
  stepId: 'az.tasks',
  service: 'api',
  seconds: 4.2,
  desiredCount: 4,
  stopped: [{ task: 's1', az: 'lab-1a' }],
  replacements: azs.map((az, i) => ({ task: `r${i}`, az })),
});

async function run(azs: string[]) {
  const action = {
    stepId: 'az.tasks',
    followUp: async () => ({ ok: true, detail: 'back', data: { replacement: rep(azs) } }),
  } as unknown as FaultAction;
  const sink = new RecordingSink();
  const r = await flagImpairedAzPlacements(action, 'lab-1a').followUp?.({ sink } as unknown as FaultContext);
  return { r, sink, replacement: r?.data?.replacement as ServiceReplacement };
}

describe('az-impairment: replacements placed back into the impaired AZ', () => {
  it('are flagged in the follow-up, its record and a warning, and read so in the reports', async () => {
    const { r, sink, replacement } = await run(['lab-1a', 'lab-1b', 'lab-1a']);
    expect(replacement).toMatchObject({ impairedAz: 'lab-1a', intoImpairedAz: ['r0', 'r2'] });
    expect(r?.detail).toBe('back; replaced into the impaired AZ lab-1a (r0, r2)');
    expect(sink.messages.map((m) => [m.level, m.code, m.message])).toEqual([
      ['warn', 'DP_OBSERVE_W5401', 'az.tasks: service api replaced into the impaired AZ lab-1a: r0, r2'],
    ]);
    const t = replacementText(replacement);
    expect(t.headline).toBe(
      'service api back at 4 healthy tasks 4.2s after F; replaced into the impaired AZ lab-1a: r0, r2',
    );
    expect(t.replaced).toBe('r0 (lab-1a), r1 (lab-1b), r2 (lab-1a); replaced into the impaired AZ lab-1a: r0, r2');
  });

  it('say nothing when every replacement went elsewhere', async () => {
    const { r, sink, replacement } = await run(['lab-1b']);
    expect(replacement).toMatchObject({ impairedAz: 'lab-1a', intoImpairedAz: [] });
    expect(r?.detail).toBe('back');
    expect(sink.messages).toEqual([]);
    expect(replacementText(replacement).replaced).toBe('r0 (lab-1b)');
  });
});
