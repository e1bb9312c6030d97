import type { DrillproofError } from '../../errors.js';
import type { Measurements, ObjectiveVerdict } from '../../run/measurements.js';
import type { CallerIdentity, FaultConfirmationStatus } from '../../run/record.js';
import type { FaultAction, FaultContext, FollowUpResult } from '../faults/types.js';
import type { GuardrailTrip } from '../guardrails-runtime.js';
import type { LeaseHold } from '../lease.js';
import type { RollbackOutcome } from '../rollback.js';
import type { ProbeSession } from './ports.js';

/** One fault action as injected: when it was requested and acknowledged, its request ids. */
export interface InjectedFault {
  action: FaultAction;
  requestedAt: number | null;
  acknowledgedAt: number | null;
  requestIds: string[];
  error?: string;
  followUp?: Promise<FollowUpResult>;
}

/** Where one fault action's confirmation stands; the final one goes into the run record. */
export interface ConfirmationState {
  stepId: string;
  status: FaultConfirmationStatus;
  detail: string;
  answers: unknown[];
  /** When the last check answered (epoch ms on the run timeline), null before the first. */
  at: number | null;
  /** How many times AWS was asked. */
  checks: number;
  settled: boolean;
}

export interface ObserveResult {
  recovered: boolean;
  /** Epoch ms when the recovery condition was first seen holding, null when it never did. */
  recoveredAt: number | null;
  timedOut: boolean;
  followUps: { stepId: string; result: FollowUpResult | null; error?: string }[];
}

/** What the phases found out; the outcome and the run record are decided from it alone. */
export interface DrillFacts {
  probes: ProbeSession | null;
  caller: CallerIdentity | null;
  /** The faults prepared into actions by preflight, and the context they were prepared with. */
  actions: FaultAction[];
  ctx: FaultContext;
  preflightFailed: DrillproofError | null;
  injectError: DrillproofError | null;
  toolError: unknown;
  abortReason: string | null;
  trip: GuardrailTrip | null;
  /**
   * F: when AWS accepted the first fault call (its `fault.acknowledged`, after SDK retries), or
   * when it was issued if no acceptance came (run timeline, epoch ms); null before injection.
   */
  faultAt: number | null;
  /** When the first fault call was issued (its `fault.requested`, before any retry). */
  faultIssuedAt: number | null;
  /** What this drill leased (drillproof:lease), per kind; empty when nothing. */
  leased: LeaseHold[];
  injected: InjectedFault[];
  observed: ObserveResult | null;
  /** Per injected fault action, whether AWS's answers confirmed its effect (observe). */
  confirmations: ConfirmationState[];
  /** Scenario resources the faults impair, and those no probe depends on (preflight). */
  affected: string[];
  unexercised: string[];
  rollbacks: RollbackOutcome[];
  steadyAfter: boolean | null;
  analysis: { measurements: Measurements; objectives: ObjectiveVerdict[] } | null;
}

export function emptyFacts(ctx: FaultContext): DrillFacts {
  return {
    probes: null,
    caller: null,
    actions: [],
    ctx,
    preflightFailed: null,
    injectError: null,
    toolError: null,
    abortReason: null,
    trip: null,
    faultAt: null,
    faultIssuedAt: null,
    leased: [],
    injected: [],
    observed: null,
    confirmations: [],
    affected: [],
    unexercised: [],
    rollbacks: [],
    steadyAfter: null,
    analysis: null,
  };
}
