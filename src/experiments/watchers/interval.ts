import { parseDurationMs } from '../../util/units.js';

/** Watcher poll interval without `steps.observe.watch.interval`: on AWS, and in the lab (fast). */
export const AWS_WATCH_MS = 2000;
export const LAB_WATCH_MS = 200;

/** How often the AWS state watchers poll: the scenario's `steps.observe.watch.interval`, else the default. */
export function watchIntervalMs(s: {
  target: { provider: string };
  steps: { observe: { watch?: { interval?: string | undefined } } };
}): number {
  const set = s.steps.observe.watch?.interval;
  const ms = set === undefined ? undefined : parseDurationMs(set);
  if (ms !== undefined && ms > 0) return ms;
  return s.target.provider === 'lab' ? LAB_WATCH_MS : AWS_WATCH_MS;
}
