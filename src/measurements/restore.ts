import type { RestoreVerification } from '../run/journal-types.js';
import type { RtoResult } from '../run/measurements.js';
import { isoMs } from '../util/clock.js';

/**
 * The RTO of a restore drill (brief §3): the disaster is declared at F (restore requested); the
 * restored copy answered the verification correctly at V: RTO = V − F, with the resolution of the
 * polling that found it ready. Not verified: unmeasured (null), never 0. The probes watch the
 * untouched primary, so this, not a probe outage, is the drill's RTO.
 */
export function restoreRto(v: RestoreVerification): RtoResult {
  const faultMs = v.faultAtMs ?? Date.parse(v.faultAt);
  const verifiedMs = v.verifiedAtMs ?? Date.parse(v.verifiedAt);
  const seconds = v.verification.ok ? (verifiedMs - faultMs) / 1000 : null;
  return {
    probe: `restore:${v.restoredInstance}`,
    seconds,
    resolutionSeconds: v.resolutionMs / 1000,
    noOutage: false,
    detectedAt: isoMs(faultMs),
    recoveredAt: seconds === null ? null : isoMs(verifiedMs),
    timeToDetectSeconds: 0,
    outageDurationSeconds: seconds,
    failedTimeSeconds: seconds ?? 0,
    flaps: 0,
    windowSeconds: 0,
  };
}
