import { describe, expect, it } from 'vitest';
import { classifyK6Exit } from '../../../src/probes/k6/exit-codes.js';

describe('classifyK6Exit', () => {
  it.each([
    [0, 'passed', true],
    [99, 'thresholds-failed', true],
    [103, 'stopped', true],
    [105, 'stopped', true],
    [104, 'invalid-config', false],
    [107, 'script-error', false],
    [108, 'script-aborted', false],
    [1, 'crashed', false],
    [100, 'crashed', false],
    [106, 'crashed', false],
    [109, 'crashed', false],
    [255, 'crashed', false],
  ] as const)('exit %i → %s', (code, classification, usable) => {
    const r = classifyK6Exit(code);
    expect(r.classification).toBe(classification);
    expect(r.resultsUsable).toBe(usable);
  });

  it('names known non-zero codes', () => {
    expect(classifyK6Exit(106).description).toContain('REST API');
    expect(classifyK6Exit(42).description).toBe('k6 exited with 42');
  });

  it('a signal death is a stop only when drillproof asked for it', () => {
    expect(classifyK6Exit(null, 'SIGKILL', true).classification).toBe('stopped');
    expect(classifyK6Exit(null, 'SIGSEGV', false).classification).toBe('crashed');
  });
});
