import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BaseBackup } from '../../../src/lab/pg/backup.js';
import type { ReplicatedPair } from '../../../src/lab/pg/pair.js';
import type { RdsLab } from '../../../src/lab/rds/lab-rds.js';
import type { DbSnapshot } from '../../../src/lab/rds/model.js';
import { pruneBackups } from '../../../src/lab/rds/retention.js';

const root = mkdtempSync(join(tmpdir(), 'dp-retention-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const wal = (tl: number, seg: number) =>
  `${String(tl).padStart(8, '0')}${'0'.repeat(8)}${seg.toString(16).toUpperCase().padStart(8, '0')}`;

function backup(name: string, startSeg: number, end: number): BaseBackup {
  const dir = join(root, name);
  mkdirSync(dir);
  return {
    dir,
    endTime: new Date(end),
    stopLsn: '0/0',
    stopWalFile: wal(1, startSeg + 1),
    startWalFile: wal(1, startSeg),
  };
}

describe('pruneBackups', () => {
  it('drops expired automated snapshots (keeping the newest) and WAL no remaining backup needs', () => {
    const archiveDir = join(root, 'archive');
    mkdirSync(archiveDir);
    for (const f of [
      wal(1, 1),
      wal(1, 2),
      wal(1, 3),
      `${wal(1, 4)}.partial`,
      wal(2, 4),
      wal(2, 5),
      '00000002.history',
    ]) {
      writeFileSync(join(archiveDir, f), '');
    }
    const old = backup('old', 1, 1000);
    const mid = backup('mid', 3, 5000);
    const manual = backup('manual', 2, 2000);
    const snap = (id: string, b: BaseBackup, type: DbSnapshot['type']): DbSnapshot =>
      ({ id, type, status: 'available', createTime: b.endTime, dir: b.dir, archiveDir, backup: b }) as DbSnapshot;
    const pair = { archiveDir, backups: [old, mid] } as unknown as ReplicatedPair;
    const snapshots = new Map([
      ['a-old', snap('a-old', old, 'automated')],
      ['a-mid', snap('a-mid', mid, 'automated')],
    ]);
    const rds = { snapshots } as unknown as RdsLab;

    // GIVEN a manual snapshot that still needs segment 2
    snapshots.set('m', snap('m', manual, 'manual'));
    // WHEN everything older than t=3000 expires
    pruneBackups(rds, pair, 3000);
    // THEN the old automated snapshot is gone, WAL from segment 2 on stays (for the manual one)
    expect([...snapshots.keys()].sort()).toEqual(['a-mid', 'm']);
    expect(pair.backups).toEqual([mid]);
    expect(existsSync(old.dir)).toBe(false);
    expect(readdirSync(archiveDir).sort()).toEqual(
      ['00000002.history', wal(1, 2), wal(1, 3), `${wal(1, 4)}.partial`, wal(2, 4), wal(2, 5)].sort(),
    );

    // WHEN the manual snapshot is deleted and even the newest automated one has expired
    snapshots.delete('m');
    pruneBackups(rds, pair, 10_000);
    // THEN the newest automated snapshot is kept, with the WAL it needs (segment 3 on)
    expect([...snapshots.keys()]).toEqual(['a-mid']);
    expect(readdirSync(archiveDir).sort()).toEqual(
      ['00000002.history', wal(1, 3), `${wal(1, 4)}.partial`, wal(2, 4), wal(2, 5)].sort(),
    );
  });
});
