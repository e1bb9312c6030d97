import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import type { FaultContext } from '../../../src/experiments/faults/types.js';
import { type DrillFacts, emptyFacts } from '../../../src/experiments/phases/facts.js';
import { decideOutcome } from '../../../src/experiments/phases/outcome.js';
import type { RollbackOutcome } from '../../../src/experiments/rollback.js';

/** The exit code contract (docs/exit-codes.md) as the outcome phase applies it, most severe first. */
const facts = (over: Partial<DrillFacts> = {}): DrillFacts => ({
  ...emptyFacts({} as FaultContext),
  faultAt: 1000,
  observed: { recovered: true, recoveredAt: 2000, timedOut: false, followUps: [] },
  steadyAfter: true,
  ...over,
});
const rolledBack = (status: RollbackOutcome['status']): RollbackOutcome => ({
  stepId: 'stop-one',
  status,
  at: 3000,
  requestIds: [],
  ...(status === 'succeeded'
    ? {}
    : { error: 'InternalError', manualSteps: ['aws ec2 start-instances --instance-ids i-1'] }),
});
const objective = (ok: boolean) => ({ name: 'rto', ok, target: '<= 30s', measured: '42s' }) as never;

describe('decideOutcome', () => {
  it('a drill that recovered, rolled back and met its objectives passes with exit 0', () => {
    expect(decideOutcome(facts({ rollbacks: [rolledBack('succeeded')] }), false)).toEqual({
      verdict: 'passed',
      exitCode: 0,
    });
  });

  it('a failed or skipped rollback is exit 6 with the manual steps, even after an abort', () => {
    const failed = decideOutcome(facts({ rollbacks: [rolledBack('failed')] }), false);
    expect(failed).toMatchObject({ verdict: 'error', exitCode: 6 });
    expect(failed.reason).toBe(
      'rollback stop-one failed (InternalError); manual steps: aws ec2 start-instances --instance-ids i-1',
    );
    expect(decideOutcome(facts({ rollbacks: [rolledBack('skipped')] }), true)).toMatchObject({
      verdict: 'aborted',
      exitCode: 6,
    });
  });

  it('a preflight failure keeps its own exit code only when nothing was injected', () => {
    const pf = DrillproofError.user('PreflightFailed', 'preflight failed: x', { exitCode: 3 });
    expect(decideOutcome(facts({ faultAt: null, preflightFailed: pf }), false)).toEqual({
      verdict: 'error',
      exitCode: 3,
      reason: 'preflight failed: x',
    });
    const usage = DrillproofError.user('ConfirmationRequired', 'needs --yes', { exitCode: 2 });
    expect(decideOutcome(facts({ faultAt: null, preflightFailed: usage }), false).exitCode).toBe(2);
  });

  it('an abort is exit 5 with its reason; errors are exit 1', () => {
    expect(decideOutcome(facts({ abortReason: 'guardrail errorRate: 60%' }), true)).toEqual({
      verdict: 'aborted',
      exitCode: 5,
      reason: 'guardrail errorRate: 60%',
    });
    const inject = DrillproofError.tool('InjectFailed', 'fault stop-one failed: boom');
    expect(decideOutcome(facts({ injectError: inject }), false)).toMatchObject({ exitCode: 1, verdict: 'error' });
    expect(decideOutcome(facts({ toolError: new Error('disk full') }), false)).toEqual({
      verdict: 'error',
      exitCode: 1,
      reason: 'disk full',
    });
  });

  it('objectives not met, no recovery, a failed follow-up or no steady state after rollback: exit 4, every reason', () => {
    const out = decideOutcome(
      facts({
        analysis: { measurements: {} as never, objectives: [objective(false), objective(true)] },
        observed: {
          recovered: false,
          recoveredAt: null,
          timedOut: true,
          followUps: [{ stepId: 'restore', result: { ok: false, detail: 'check orders failed' } }],
        },
        steadyAfter: false,
      }),
      false,
    );
    expect(out).toEqual({
      verdict: 'failed',
      exitCode: 4,
      reason:
        'objectives not met: rto 42s vs <= 30s; not recovered before the observe timeout; restore: check orders failed; steady state not regained after rollback',
    });
  });
});
