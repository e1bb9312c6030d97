import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { type MessageSink, message } from '../io/messages.js';
import { journalPath } from '../run/files.js';
import { pendingInverses, readJournal } from '../run/journal.js';
import type { Clock } from '../util/clock.js';
import type { FaultDefinition, Leftover } from './faults/definition.js';
import { startInstancesSpec } from './faults/ec2/inverses.js';
import { LEASE_TAG, type LeaseKind, parseLease } from './faults/lease-kind.js';
import { LEASE_KINDS } from './faults/lease-kinds.js';
import { executeInverse, FAULTS } from './faults/registry.js';

export type { Leftover };

interface SweepOptions {
  aws: AwsApis;
  sink: MessageSink;
  clock: Clock;
  dryRun: boolean;
  /** Lab instance ids (from lab.json) that must be running at rest. */
  labInstanceIds?: string[];
  /** Directories holding run directories (each scenario's `evidence.dir`, or `./runs`). */
  runsDir?: string | readonly string[];
  pollMs: number;
  waitTimeoutMs: number;
}

/**
 * Finds what drills left behind and (unless dryRun) cleans it up: FIS experiments tagged with a
 * drillproof run id that still run, DB instances restored by a drill (not kept on purpose),
 * stopped lab instances, and run directories whose journal has inverses that never ran (those are
 * listed; `drillproof recover <dir>` finishes them with their full context).
 */
export async function sweep(o: SweepOptions): Promise<Leftover[]> {
  const found = [...(await awsLeftovers(o)), ...[o.runsDir ?? []].flat().flatMap(unfinishedRuns)];
  for (const f of found) {
    if (f.kind === 'unchecked') continue;
    o.sink.emit(message('info', 'DP_SWEEP_I9001', `${f.kind} ${f.id}: ${f.detail} → ${f.action}`, f));
  }
  if (o.dryRun) return found;
  const ctx = {
    aws: o.aws,
    clock: o.clock,
    pollMs: o.pollMs,
    waitTimeoutMs: o.waitTimeoutMs,
    env: {},
    scenarioDir: '.',
  };
  for (const f of found) {
    if (!f.inverse) continue;
    try {
      await executeInverse(ctx, f.inverse);
      f.done = true;
    } catch (err) {
      f.error = DrillproofError.is(err) || err instanceof Error ? err.message : String(err);
      o.sink.emit(message('error', 'DP_SWEEP_E9002', `${f.action} failed: ${f.error}`));
    }
  }
  return found;
}

/** What each fault type can leave behind in AWS, and stopped lab instances. */
async function awsLeftovers(o: SweepOptions): Promise<Leftover[]> {
  const found: Leftover[] = [];
  // One service that cannot be read (denied, unreachable) must not hide what the others hold.
  const section = async (service: string, what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const hint = DrillproofError.is(err) ? err.hint : undefined;
      found.push({
        kind: 'unchecked',
        id: service,
        detail: `${what} could not be listed`,
        action: hint ?? `check ${what} by hand`,
        error,
      });
      o.sink.emit(message('error', 'DP_SWEEP_E9301', `${service}: ${what} could not be listed: ${error}`, { service }));
    }
  };
  for (const f of FAULTS as readonly FaultDefinition[]) {
    const { leftovers } = f;
    if (!leftovers) continue;
    await section(leftovers.service, leftovers.what, async () => {
      found.push(...(await leftovers.find(o.aws)));
    });
  }
  for (const kind of LEASE_KINDS) {
    await section(kind.sweep.service, kind.sweep.what, async () => {
      found.push(...(await expiredLeases(o, kind)));
    });
  }
  const ids = o.labInstanceIds;
  if (ids?.length) {
    await section('ec2', 'lab EC2 instances', async () => {
      const res = await o.aws.ec2.describeInstances({ InstanceIds: ids });
      for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        if (i.InstanceId && (i.State?.Name === 'stopped' || i.State?.Name === 'stopping')) {
          found.push({
            kind: 'stopped-lab-instance',
            id: i.InstanceId,
            detail: i.State.Name,
            action: `start ${i.InstanceId}`,
            inverse: startInstancesSpec([i.InstanceId], o.aws.region),
          });
        }
      }
    });
  }
  return found;
}

/**
 * Leases (`drillproof:lease` tags) past their expiry: they block nothing, and are removed with
 * the value they hold, so a lease taken again meanwhile stays. A live lease is a running drill's.
 */
async function expiredLeases(o: SweepOptions, kind: LeaseKind): Promise<Leftover[]> {
  const out: Leftover[] = [];
  for (const [id, value] of await kind.sweep.find(o.aws)) {
    const lease = parseLease(value);
    if (lease && lease.expiresAtMs > o.clock.wallMs()) continue;
    out.push({
      kind: 'expired-lease',
      id,
      detail: lease
        ? `lease of drill ${lease.runId} expired at ${new Date(lease.expiresAtMs).toISOString()}`
        : `unreadable lease ${JSON.stringify(value)}`,
      action: `remove the ${LEASE_TAG} tag from ${id}`,
      inverse: kind.releaseSpec([id], value, o.aws.region),
    });
  }
  return out;
}

/** Run directories whose journal has inverses that never ran (listed; `recover` finishes them). */
function unfinishedRuns(runsDir: string): Leftover[] {
  if (!existsSync(runsDir)) return [];
  const found: Leftover[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const j = journalPath(join(runsDir, name));
    if (!existsSync(j)) continue;
    try {
      const pending = pendingInverses(readJournal(j).entries);
      if (pending.length) {
        found.push({
          kind: 'unfinished-run',
          id: join(runsDir, name),
          detail: pending.map((p) => p.inverse.description).join('; '),
          action: `drillproof recover ${join(runsDir, name)}`,
        });
      }
    } catch {
      // An unreadable journal is not a leftover we can act on.
    }
  }
  return found;
}
