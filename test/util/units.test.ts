import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs, parsePercent, parseRatePerSecond } from '../../src/util/units.js';

describe('units', () => {
  it('parses durations with units, including compound ones', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('1h')).toBe(3_600_000);
  });

  it('rejects durations without a unit or with junk', () => {
    for (const bad of ['30', '', 's', '30 sec', '-1s', '1d', '30s ago']) expect(parseDurationMs(bad)).toBeUndefined();
  });

  it('formats durations back', () => {
    expect(formatDurationMs(90_000)).toBe('1m30s');
    expect(formatDurationMs(500)).toBe('500ms');
    expect(formatDurationMs(1500)).toBe('1.5s');
  });

  it('parses rates and percentages', () => {
    expect(parseRatePerSecond('20/s')).toBe(20);
    expect(parseRatePerSecond('600/m')).toBe(10);
    expect(parseRatePerSecond('0/s')).toBeUndefined();
    expect(parseRatePerSecond('20')).toBeUndefined();
    expect(parsePercent('99.9%')).toBeCloseTo(0.999, 10);
    expect(parsePercent('101%')).toBeUndefined();
    expect(parsePercent('99.9')).toBeUndefined();
  });
});
