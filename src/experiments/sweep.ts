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
import { executeInverse, FAULTS } from './faults/registry.js';

export type { Leftover };

/**
 * Finds what drills left behind and (unless dryRun) cleans it up: FIS experiments tagged with a
 * drillproof run id that still run, DB instances restored by a drill (not kept on purpose),
 * stopped lab instances, and run directories whose journal has inverses that never ran (those are
 * listed; `drillproof recover <dir>` finishes them with their full context).
 */
export async function sweep(o: {
  aws: AwsApis;
  sink: MessageSink;
  clock: Clock;
  dryRun: boolean;
  /** Lab instance ids (from lab.json) that must be running at rest. */
  labInstanceIds?: string[];
  runsDir?: string;
  pollMs: number;
  waitTimeoutMs: number;
}): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const f of FAULTS as readonly FaultDefinition[]) if (f.leftovers) found.push(...(await f.leftovers(o.aws)));
  if (o.labInstanceIds?.length) {
    const res = await o.aws.ec2.describeInstances({ InstanceIds: o.labInstanceIds });
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
  }
  if (o.runsDir && existsSync(o.runsDir)) {
    for (const name of readdirSync(o.runsDir).sort()) {
      const j = journalPath(join(o.runsDir, name));
      if (!existsSync(j)) continue;
      try {
        const pending = pendingInverses(readJournal(j).entries);
        if (pending.length) {
          found.push({
            kind: 'unfinished-run',
            id: join(o.runsDir, name),
            detail: pending.map((p) => p.inverse.description).join('; '),
            action: `drillproof recover ${join(o.runsDir, name)}`,
          });
        }
      } catch {
        // An unreadable journal is not a leftover we can act on.
      }
    }
  }
  for (const f of found) {
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
