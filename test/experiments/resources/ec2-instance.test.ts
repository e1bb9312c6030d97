import { describe, expect, it } from 'vitest';
import { resolveResources } from '../../../src/experiments/resources/registry.js';
import { fakeAws } from '../../_helpers/fake-aws.js';

const fleet = (n: number) =>
  fakeAws({
    instances: Array.from({ length: n }, (_, i) => ({
      id: `i-0${i}`,
      az: 'us-east-1a',
      state: 'running',
      tags: { app: 'web' },
    })),
  });

async function picked(n: number, sel: Record<string, unknown>): Promise<number> {
  const r = await resolveResources(fleet(n).aws, {
    web: { type: 'ec2-instance', tags: { app: 'web' }, ...sel },
  } as never);
  return (r.get('web') as { instances: unknown[] }).instances.length;
}

describe('ec2-instance selector: how many instances a share picks', () => {
  it('percent is rounded down with at least one, as the scenario reference says', async () => {
    // floor(n · p), never 0: 50 % of 3 is 1, 60 % of 4 is 2, 10 % of 4 is still 1, 100 % of 4 is 4.
    expect(await picked(3, { percent: '50%' })).toBe(1);
    expect(await picked(4, { percent: '60%' })).toBe(2);
    expect(await picked(4, { percent: '10%' })).toBe(1);
    expect(await picked(4, { percent: '100%' })).toBe(4);
  });

  it('count is capped by the instances that match', async () => {
    expect(await picked(2, { count: 5 })).toBe(2);
    expect(await picked(5, { count: 2 })).toBe(2);
  });
});
