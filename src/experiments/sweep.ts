import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { type MessageSink, message } from '../io/messages.js';
import type { Clock } from '../util/clock.js';
import { executeInverse, RUN_ID_TAG } from './faults/inverses.js';
import { readJournal } from './journal.js';
import { pendingInverses } from './rollback.js';

export interface Leftover {
  /** `unchecked`: a service could not be read (denied, unreachable); what it holds is unknown. */
  kind: 'fis-experiment' | 'restored-db-instance' | 'stopped-lab-instance' | 'unfinished-run' | 'unchecked';
  id: string;
  detail: string;
  action: string;
  done?: boolean;
  error?: string;
}

const FIS_ACTIVE = new Set(['pending', 'initiating', 'running']);

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
  await section('fis', 'FIS experiments', async () => {
    const ex = await o.aws.fis.listExperiments({});
    for (const e of ex.experiments ?? []) {
      if (!e.id || !e.tags?.[RUN_ID_TAG] || !FIS_ACTIVE.has(e.state?.status ?? '')) continue;
      found.push({
        kind: 'fis-experiment',
        id: e.id,
        detail: `run ${e.tags[RUN_ID_TAG]}, ${e.state?.status}`,
        action: `stop FIS experiment ${e.id}`,
      });
    }
  });
  await section('rds', 'RDS DB instances', async () => {
    const dbs = await o.aws.rds.describeDBInstances({});
    for (const db of dbs.DBInstances ?? []) {
      const tags = Object.fromEntries((db.TagList ?? []).map((t) => [t.Key, t.Value]));
      if (!db.DBInstanceIdentifier || !tags[RUN_ID_TAG] || tags['drillproof:keep'] === 'true') continue;
      if (db.DBInstanceStatus === 'deleting') continue;
      found.push({
        kind: 'restored-db-instance',
        id: db.DBInstanceIdentifier,
        detail: `restored by run ${tags[RUN_ID_TAG]} from ${tags['drillproof:restored-from'] ?? '?'}`,
        action: `delete DB instance ${db.DBInstanceIdentifier}`,
      });
    }
  });
  if (o.labInstanceIds?.length) {
    const ids = o.labInstanceIds;
    await section('ec2', 'lab EC2 instances', async () => {
      const res = await o.aws.ec2.describeInstances({ InstanceIds: ids });
      for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        if (i.InstanceId && (i.State?.Name === 'stopped' || i.State?.Name === 'stopping')) {
          found.push({
            kind: 'stopped-lab-instance',
            id: i.InstanceId,
            detail: i.State.Name,
            action: `start ${i.InstanceId}`,
          });
        }
      }
    });
  }
  if (o.runsDir && existsSync(o.runsDir)) {
    for (const name of readdirSync(o.runsDir).sort()) {
      const j = join(o.runsDir, name, 'journal.ndjson');
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
    try {
      if (f.kind === 'fis-experiment') {
        await executeInverse(ctx, {
          action: 'fis.stop-experiment',
          params: { experimentId: f.id, runId: '', stepId: '' },
          description: f.action,
          manualSteps: [],
        });
      } else if (f.kind === 'restored-db-instance') {
        await executeInverse(ctx, {
          action: 'rds.delete-instance',
          params: { id: f.id },
          description: f.action,
          manualSteps: [],
        });
      } else if (f.kind === 'stopped-lab-instance') {
        await executeInverse(ctx, {
          action: 'ec2.start-instances',
          params: { instanceIds: [f.id] },
          description: f.action,
          manualSteps: [],
        });
      } else {
        continue;
      }
      f.done = true;
    } catch (err) {
      f.error = DrillproofError.is(err) || err instanceof Error ? err.message : String(err);
      o.sink.emit(message('error', 'DP_SWEEP_E9002', `${f.action} failed: ${f.error}`));
    }
  }
  return found;
}
