import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/probes/slots.js';

describe('slots', () => {
  it('grants up to the limit, then in arrival order; aborted waiters give up without holding a slot', async () => {
    const s = new Slots(2);
    const never = new AbortController().signal;
    expect(await s.acquire(never)).toBe(true);
    expect(await s.acquire(never)).toBe(true);
    const a = new AbortController();
    const order: string[] = [];
    const w1 = s.acquire(a.signal).then((ok) => order.push(`w1:${ok}`));
    const w2 = s.acquire(never).then((ok) => order.push(`w2:${ok}`));
    expect(s.waiting).toBe(2);
    a.abort();
    await w1;
    s.release();
    await w2;
    expect(order).toEqual(['w1:false', 'w2:true']);
    expect(s.inUse).toBe(2);
    s.release();
    s.release();
    expect(s.inUse).toBe(0);
  });

  it('aborting many waiters at once is linear (no event-loop stall)', async () => {
    const s = new Slots(1);
    await s.acquire(new AbortController().signal);
    const ac = new AbortController();
    const waits = Array.from({ length: 20_000 }, () => s.acquire(ac.signal));
    const t = performance.now();
    ac.abort();
    expect((await Promise.all(waits)).every((x) => x === false)).toBe(true);
    s.release();
    expect(s.inUse).toBe(0);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
