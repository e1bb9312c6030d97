import { readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplicatedPair } from '../pg/pair.js';
import type { RdsLab } from './lab-rds.js';

/** The segment number part of a WAL file name (timeline excluded), comparable across timelines. */
const segmentOf = (walFile: string) => walFile.slice(8, 24);

/**
 * Deletes automated snapshots that ended before `cutoff` (always keeping the newest), then every
 * archived WAL segment older than the first one a remaining backup or manual snapshot still needs.
 */
export function pruneBackups(rds: RdsLab, pair: ReplicatedPair, cutoff: number): void {
  const automated = [...rds.snapshots.values()]
    .filter((s) => s.type === 'automated' && s.status === 'available' && s.archiveDir === pair.archiveDir)
    .sort((a, b) => a.createTime.getTime() - b.createTime.getTime());
  for (const s of automated.slice(0, -1)) {
    if (s.createTime.getTime() >= cutoff) continue;
    rds.snapshots.delete(s.id);
    const idx = pair.backups.findIndex((b) => b.dir === s.dir);
    if (idx >= 0) pair.backups.splice(idx, 1);
    rmSync(s.dir, { recursive: true, force: true });
  }
  const needed = [
    ...pair.backups.map((b) => b.startWalFile),
    ...[...rds.snapshots.values()]
      .filter((s) => s.archiveDir === pair.archiveDir && s.backup)
      .map((s) => s.backup?.startWalFile as string),
  ];
  if (needed.length === 0) return;
  const oldest = needed.map(segmentOf).sort()[0] as string;
  for (const f of readdirSync(pair.archiveDir)) {
    // History files are tiny and every restore needs them to follow timelines.
    if (!/^[0-9A-F]{24}($|\.partial$)/.test(f)) continue;
    if (segmentOf(f) < oldest) unlinkSync(join(pair.archiveDir, f));
  }
}
