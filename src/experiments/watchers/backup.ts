import type { AwsApis } from '../../aws/apis.js';
import type { WatchSpec } from '../faults/types.js';
import type { WatchEvent } from './pollers.js';

type Spec<K extends WatchSpec['source']> = Extract<WatchSpec, { source: K }>;

/** The restore job's status with its PercentDone (each change is one event), once it has an id. */
export async function restoreJobState(aws: AwsApis, spec: Spec<'backup'>): Promise<WatchEvent[]> {
  const id = spec.restoreJobId();
  if (!id) return [];
  const j = await aws.backup.describeRestoreJob({ RestoreJobId: id });
  return [
    {
      source: 'backup',
      resource: id,
      state: `${j.Status ?? 'unknown'}${j.PercentDone ? ` ${j.PercentDone}` : ''}`,
      ...(j.StatusMessage ? { reason: j.StatusMessage } : {}),
    },
  ];
}
