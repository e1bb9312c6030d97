import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { unexercisedResources } from '../../src/experiments/coverage.js';
import type { ConfirmationResult, FaultConfirmation } from '../../src/experiments/faults/definition.js';
import type { FaultAction, FaultContext } from '../../src/experiments/faults/types.js';
import { type ConfirmationState, ConfirmationWatch } from '../../src/experiments/phases/confirmation.js';
import { emptyFacts, type InjectedFault } from '../../src/experiments/phases/facts.js';
import { decideOutcome } from '../../src/experiments/phases/outcome.js';
import { rdsEventIdOf } from '../../src/experiments/watchers/rds-event-ids.js';
import { RecordingSink } from '../../src/io/messages.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { FakeClock } from '../probes/_fake-clock.js';

const state = (stepId: string, status: ConfirmationState['status'], detail = 'd'): ConfirmationState => ({
  stepId,
  status,
  detail,
  answers: [],
  at: 0,
  checks: 1,
  settled: true,
});

function facts(over: Partial<ReturnType<typeof emptyFacts>>) {
  const f = emptyFacts({} as FaultContext);
  f.faultAt = 1;
  f.observed = { recovered: true, recoveredAt: 2, timedOut: false, followUps: [] };
  return Object.assign(f, over);
}

describe('verdict: fault confirmation and probe coverage', () => {
  it('passes only when every fault is confirmed (or unconfirmable) and every faulted resource was probed', () => {
    expect(decideOutcome(facts({ confirmations: [state('a', 'confirmed')] }), false)).toEqual({
      verdict: 'passed',
      exitCode: 0,
    });
    expect(decideOutcome(facts({ confirmations: [state('x', 'unconfirmable')] }), false).verdict).toBe('passed');
  });

  it('a fault not confirmed or declined is inconclusive (exit 7) with the reason, even when objectives pass', () => {
    const n = decideOutcome(facts({ confirmations: [state('fo', 'not-confirmed', 'primary still in a')] }), false);
    expect(n).toEqual({
      verdict: 'inconclusive',
      exitCode: ExitCode.Inconclusive,
      reason: 'fault fo not confirmed: primary still in a',
    });
    expect(ExitCode.Inconclusive).toBe(7);
    const d = decideOutcome(facts({ confirmations: [state('fo', 'declined', 'RDS-EVENT-0034: x')] }), false);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toBe('fault fo declined: RDS-EVENT-0034: x');
  });

  it('names the resource no probe exercised; an unmet objective is said after it', () => {
    const f = facts({ confirmations: [state('a', 'confirmed')], unexercised: ['db'] });
    f.observed = { recovered: false, recoveredAt: null, timedOut: true, followUps: [] };
    const o = decideOutcome(f, false);
    expect(o.exitCode).toBe(7);
    expect(o.reason).toBe('no probe exercised db; not recovered before the observe timeout');
  });

  it('an abort or a failed rollback still outranks inconclusive', () => {
    const f = facts({ confirmations: [state('a', 'not-confirmed')], abortReason: 'guardrail' });
    expect(decideOutcome(f, true).exitCode).toBe(ExitCode.Aborted);
    f.rollbacks = [{ stepId: 'a', status: 'failed', at: 0, requestIds: [], manualSteps: ['x'] } as never];
    expect(decideOutcome(f, true).exitCode).toBe(ExitCode.RollbackFailed);
  });
});

function watchWith(check: FaultConfirmation['check'] | undefined, faults = [{ type: 't', stepId: 's1' }]) {
  const clock = new FakeClock();
  const timeline = new AnchoredClock(clock);
  const dir = mkdtempSync(join(tmpdir(), 'dp-confirm-'));
  const journal = Journal.create(join(dir, 'journal.ndjson'), timeline);
  const sink = new RecordingSink();
  const injected: InjectedFault[] = faults.map((f) => ({
    action: { stepId: f.stepId, fault: f.type, action: 'x:Do', targets: ['i-1'] } as FaultAction,
    requestedAt: timeline.nowMs(),
    acknowledgedAt: timeline.nowMs(),
    requestIds: [],
  }));
  const ctx = { timeline, runId: 'r' } as unknown as FaultContext;
  const watch = new ConfirmationWatch({
    injected,
    ctx,
    clock,
    journal,
    sink,
    pollMs: 500,
    confirmationOf: (t) => (t === 't' && check ? { check } : undefined),
  });
  return { clock, watch, journal, dir, sink, injected };
}

describe('ConfirmationWatch', () => {
  it('polls once per interval until AWS confirms, hands the check the request time, journals the answers', async () => {
    const seen: (number | undefined)[] = [];
    const handed: FaultAction[] = [];
    let calls = 0;
    const check = async (a: FaultAction): Promise<ConfirmationResult> => {
      seen.push(a.requestedAt);
      handed.push(a);
      calls += 1;
      return calls < 3
        ? { status: 'not-confirmed', detail: 'still running', answers: [{ state: 'running' }] }
        : { status: 'confirmed', detail: 'stopped', answers: [{ state: 'stopped' }] };
    };
    const w = watchWith(check);
    w.watch.start();
    await w.clock.settle();
    expect(w.watch.pending).toBe(true);
    await w.clock.advance(500);
    expect(calls).toBe(2);
    await w.clock.advance(500);
    expect(calls).toBe(3);
    expect(w.watch.pending).toBe(false);
    const [s] = await w.watch.stop();
    expect(s).toMatchObject({ stepId: 's1', status: 'confirmed', checks: 3, answers: [{ state: 'stopped' }] });
    expect(seen).toEqual([w.injected[0]?.requestedAt, w.injected[0]?.requestedAt, w.injected[0]?.requestedAt]);
    // The check gets the injected action itself: what its run kept by it (a WeakMap) is there.
    expect(handed.every((a) => a === w.injected[0]?.action)).toBe(true);
    w.journal.close();
    const e = readJournal(join(w.dir, 'journal.ndjson')).entries.filter((x) => x.kind === 'fault.confirmation');
    expect(e.map((x) => x.data)).toEqual([
      { stepId: 's1', status: 'confirmed', detail: 'stopped', answers: [{ state: 'stopped' }], checks: 3 },
    ]);
  });

  it('stops at declined; at the end of observe a pending check stays not-confirmed; a throw is not a confirmation', async () => {
    const declined = watchWith(async () => ({ status: 'declined', detail: 'RDS-EVENT-0034', answers: [] }));
    declined.watch.start();
    await declined.clock.settle();
    expect(declined.watch.pending).toBe(false);
    expect((await declined.watch.stop())[0]?.status).toBe('declined');

    let n = 0;
    const flaky = watchWith(async () => {
      n += 1;
      if (n === 1) throw new Error('Throttling');
      return { status: 'not-confirmed', detail: 'primary still in a', answers: [] };
    });
    flaky.watch.start();
    await flaky.clock.advance(500);
    await flaky.clock.advance(500);
    const [s] = await flaky.watch.stop();
    expect(s).toMatchObject({ status: 'not-confirmed', detail: 'primary still in a', checks: 3 });
  });

  it('a fault type without confirm is unconfirmable at once, and never asks AWS', async () => {
    const w = watchWith(undefined, [{ type: 'exec', stepId: 'cmd' }]);
    w.watch.start();
    expect(w.watch.pending).toBe(false);
    const [s] = await w.watch.stop();
    expect(s?.status).toBe('unconfirmable');
    expect(s?.checks).toBe(0);
  });
});

describe('probe coverage', () => {
  const scenario = (probes: Record<string, unknown>[]) =>
    ({
      probes,
      steps: { faults: [{ id: 'fo', type: 'rds-failover', resource: 'db' }] },
    }) as never;
  const resources = new Map([
    [
      'db',
      {
        name: 'db',
        type: 'rds-instance',
        id: 'lab-db',
        endpoint: { host: 'db.example', port: 5432 },
      },
    ],
  ]) as never;

  it('a heartbeat on the database endpoint depends on it; one on another port does not', () => {
    const hb = (port: number) => ({
      name: 'hb',
      type: 'postgres-heartbeat',
      connection: { host: 'db.example', port, database: 'd', user: 'u' },
    });
    expect(unexercisedResources(scenario([hb(5432)]), resources)).toEqual({ affected: ['db'], unexercised: [] });
    expect(unexercisedResources(scenario([hb(5433)]), resources)).toEqual({ affected: ['db'], unexercised: ['db'] });
  });

  it('an http probe counts only with dependsOn', () => {
    const web = { name: 'web', type: 'http', url: 'http://app.example/' };
    expect(unexercisedResources(scenario([web]), resources).unexercised).toEqual(['db']);
    expect(unexercisedResources(scenario([{ ...web, dependsOn: ['db'] }]), resources).unexercised).toEqual([]);
  });
});

describe('RDS-EVENT-0034', () => {
  it('is recognised in its older and its current wording', () => {
    expect(
      rdsEventIdOf(
        'Amazon RDS is not attempting a requested failover because a failover recently occurred on the DB instance.',
      ),
    ).toBe('RDS-EVENT-0034');
    expect(
      rdsEventIdOf('Abandoning user requested failover since a failover recently occurred on the database instance.'),
    ).toBe('RDS-EVENT-0034');
  });
});
