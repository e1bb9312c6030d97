import { describe, expect, it } from 'vitest';
import { parseIsoDurationMs } from '../../../src/lab/fis/duration.js';

describe('parseIsoDurationMs', () => {
  it.each([
    ['PT5M', 300_000],
    ['PT1H30M', 5_400_000],
    ['PT30S', 30_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
  ])('%s = %d ms', (s, ms) => expect(parseIsoDurationMs(s)).toBe(ms));
  it.each(['5m', 'PT', 'P', 'PTM', ''])('rejects %j', (s) => expect(parseIsoDurationMs(s)).toBeUndefined());
});
