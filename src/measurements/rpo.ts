import type { RestoreVerification } from '../run/journal-types.js';
import type { RpoResult } from '../run/measurements.js';
import type { HeartbeatReadback } from '../run/samples.js';
import { type ProbeSeries, WRITE_ACKNOWLEDGED, WRITE_INDETERMINATE } from './series.js';

const MAX_LOST_SEQS = 1000;

interface WriteSets {
  attempted: number;
  acknowledged: number;
  indeterminate: number;
  /** Acknowledged seqs ascending with their sent_at. */
  ackSeq: Float64Array;
  ackSentAt: Float64Array;
}

function writeSets(s: ProbeSeries): WriteSets {
  let acknowledged = 0;
  let indeterminate = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.write[i] === WRITE_ACKNOWLEDGED) acknowledged++;
    else if (s.write[i] === WRITE_INDETERMINATE) indeterminate++;
  }
  const ackSeq = new Float64Array(acknowledged);
  const ackSentAt = new Float64Array(acknowledged);
  let k = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.write[i] !== WRITE_ACKNOWLEDGED) continue;
    ackSeq[k] = s.seq[i] as number;
    ackSentAt[k] = s.sentAt[i] as number;
    k++;
  }
  return { attempted: acknowledged + indeterminate, acknowledged, indeterminate, ackSeq, ackSentAt };
}

/**
 * RPO through a failover (brief §3): lost = acknowledged − read back; RPO in writes = |lost|;
 * RPO in time = sent_at(last lost) − sent_at(last acknowledged write that survived before it),
 * 0 when nothing acknowledged was lost (meaning "below Δw"). When no acknowledged write survived
 * before the last lost one, the loss is measured from the first acknowledged write instead.
 * Without a read-back the RPO is unknown (null).
 */
export function failoverRpo(s: ProbeSeries, readback: HeartbeatReadback | null): RpoResult {
  const w = writeSets(s);
  const base = {
    probe: s.name,
    kind: 'failover' as const,
    acknowledgedWrites: w.acknowledged,
    indeterminateWrites: w.indeterminate,
    attemptedWrites: w.attempted,
    resolutionSeconds: s.intervalMs / 1000,
  };
  if (!readback) return { ...base, seconds: null, lostWrites: 0, readBackWrites: 0, lostSeqs: [] };
  const read = new Set(readback.seqs);
  const lostSeqs: number[] = [];
  let lost = 0;
  let lastLost = -1;
  for (let i = 0; i < w.ackSeq.length; i++) {
    if (read.has(w.ackSeq[i] as number)) continue;
    lost++;
    lastLost = i;
    if (lostSeqs.length < MAX_LOST_SEQS) lostSeqs.push(w.ackSeq[i] as number);
  }
  let seconds = 0;
  if (lastLost >= 0) {
    let survivor = -1;
    for (let i = lastLost - 1; i >= 0; i--) {
      if (read.has(w.ackSeq[i] as number)) {
        survivor = i;
        break;
      }
    }
    const from = survivor >= 0 ? (w.ackSentAt[survivor] as number) : (w.ackSentAt[0] as number);
    seconds = ((w.ackSentAt[lastLost] as number) - from) / 1000;
  }
  return { ...base, seconds, lostWrites: lost, readBackWrites: readback.seqs.length, lostSeqs };
}

/**
 * RPO of a restore (brief §3): the disaster is declared at F; the restored database's newest
 * heartbeat has sent_at H; RPO = F − H. Lost writes = acknowledged writes sent before F that the
 * restored database does not hold. Unknown (null) without rows read back.
 */
export function restoreRpo(s: ProbeSeries, readback: HeartbeatReadback | null, faultMs: number | null): RpoResult {
  const w = writeSets(s);
  const base = {
    probe: s.name,
    kind: 'restore' as const,
    acknowledgedWrites: w.acknowledged,
    indeterminateWrites: w.indeterminate,
    attemptedWrites: w.attempted,
    resolutionSeconds: s.intervalMs / 1000,
  };
  if (!readback || faultMs === null) {
    return { ...base, seconds: null, lostWrites: 0, readBackWrites: readback?.seqs.length ?? 0, lostSeqs: [] };
  }
  const read = new Set(readback.seqs);
  const lostSeqs: number[] = [];
  let lost = 0;
  for (let i = 0; i < w.ackSeq.length; i++) {
    if ((w.ackSentAt[i] as number) >= faultMs || read.has(w.ackSeq[i] as number)) continue;
    lost++;
    if (lostSeqs.length < MAX_LOST_SEQS) lostSeqs.push(w.ackSeq[i] as number);
  }
  let H = Number.NEGATIVE_INFINITY;
  for (const t of readback.sentAt) if (t > H) H = t;
  const seconds = readback.sentAt.length ? (faultMs - H) / 1000 : null;
  return { ...base, seconds, lostWrites: lost, readBackWrites: readback.seqs.length, lostSeqs };
}

/**
 * RPO of a restore without heartbeat rows in the copy (brief §3): everything written after the
 * backup (an AWS Backup recovery point, an RDS snapshot) was created is not in the restore, so
 * RPO = F − its creation time; `probe` names the backup (`recovery-point:<ARN>`) as the basis.
 * Unknown (null) when either time is.
 */
export function recoveryPointRpo(v: RestoreVerification, faultMs: number | null): RpoResult | null {
  const created = v.recoveryPointCreatedAtMs;
  if (created === undefined || created === null || faultMs === null) return null;
  return {
    probe: `recovery-point:${v.recoveryPointArn ?? v.restoredInstance}`,
    kind: 'restore',
    seconds: (faultMs - created) / 1000,
    lostWrites: 0,
    acknowledgedWrites: 0,
    indeterminateWrites: 0,
    attemptedWrites: 0,
    readBackWrites: 0,
    resolutionSeconds: 0.001,
    lostSeqs: [],
  };
}
