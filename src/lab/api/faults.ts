import type { ControlPlaneFaults } from '../types.js';
import { ApiError } from './errors.js';

export type FaultDecision = { kind: 'slow'; ms: number } | { kind: 'error'; error: ApiError };

/** The service's own throttling error: EC2 RequestLimitExceeded (503), FIS ThrottlingException (429), others Throttling (400). */
export function throttleError(service: string): ApiError {
  if (service === 'ec2') return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
  if (service === 'fis') return new ApiError('ThrottlingException', 'Rate exceeded', 429);
  if (service === 'ecs') return new ApiError('ThrottlingException', 'Rate exceeded', 400);
  if (service === 'lambda') return new ApiError('TooManyRequestsException', 'Rate exceeded', 429);
  return new ApiError('Throttling', 'Rate exceeded', 400);
}

/**
 * Control-plane faults: a fraction of API calls is throttled, fails with 5xx, or is slowed, so a
 * tool's retry and timeout handling can be tested against a misbehaving AWS API.
 */
export class FaultInjector {
  private n = 0;
  constructor(
    public config: ControlPlaneFaults = {},
    private readonly random: () => number = Math.random,
  ) {}

  decide(service: string, operation: string): FaultDecision[] {
    const c = this.config;
    if (c.services && c.services.length > 0 && !c.services.includes(service)) return [];
    if (c.operations && c.operations.length > 0 && !c.operations.includes(operation)) return [];
    const out: FaultDecision[] = [];
    if (c.slowRate && this.random() < c.slowRate) out.push({ kind: 'slow', ms: c.slowMs ?? 2000 });
    if (c.throttleRate && this.random() < c.throttleRate) out.push({ kind: 'error', error: throttleError(service) });
    else if (c.errorRate && this.random() < c.errorRate) {
      // Alternate between the two server errors AWS APIs answer with.
      this.n++;
      const e =
        this.n % 2 === 1
          ? new ApiError(
              service === 'ec2' ? 'InternalError' : 'InternalFailure',
              'We encountered an internal error. Please try again.',
              500,
            )
          : new ApiError(
              service === 'ec2' ? 'Unavailable' : 'ServiceUnavailable',
              'The service is unavailable. Please try again shortly.',
              503,
            );
      out.push({ kind: 'error', error: e });
    }
    return out;
  }
}

/** Checks an admin request body; rates are fractions 0..1. */
export function parseFaults(v: unknown): ControlPlaneFaults {
  if (typeof v !== 'object' || v === null) throw new Error('faults must be a JSON object');
  const o = v as Record<string, unknown>;
  const out: ControlPlaneFaults = {};
  for (const k of ['throttleRate', 'errorRate', 'slowRate'] as const) {
    if (o[k] === undefined) continue;
    const n = Number(o[k]);
    if (!(n >= 0 && n <= 1)) throw new Error(`${k} must be a number from 0 to 1, not ${String(o[k])}`);
    out[k] = n;
  }
  if (o.slowMs !== undefined) {
    const n = Number(o.slowMs);
    if (!(n >= 0 && n <= 120_000)) throw new Error(`slowMs must be 0..120000, not ${String(o.slowMs)}`);
    out.slowMs = n;
  }
  for (const k of ['services', 'operations'] as const) {
    if (o[k] === undefined) continue;
    if (!Array.isArray(o[k]) || !(o[k] as unknown[]).every((x) => typeof x === 'string')) {
      throw new Error(`${k} must be a list of strings`);
    }
    out[k] = o[k] as string[];
  }
  if (o.failover !== undefined) {
    if (o.failover !== 'no-op' && o.failover !== 'declined') {
      throw new Error(`failover must be "no-op" or "declined", not ${JSON.stringify(o.failover)}`);
    }
    out.failover = o.failover;
  }
  if (o.fisActions !== undefined) {
    if (o.fisActions !== 'no-effect') {
      throw new Error(`fisActions must be "no-effect", not ${JSON.stringify(o.fisActions)}`);
    }
    out.fisActions = o.fisActions;
  }
  return out;
}
