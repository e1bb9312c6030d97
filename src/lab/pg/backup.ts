import { chownSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../node-entry.js';
import { BASE_BACKUP_SKIP, copyTree } from './copy-tree.js';
import type { PgNode } from './node.js';

export interface BaseBackup {
  dir: string;
  /** Wall-clock time the backup became consistent (pg_backup_stop returned). */
  endTime: Date;
  stopLsn: string;
  stopWalFile: string;
  /** First WAL segment the backup needs (from backup_label). */
  startWalFile: string;
}

/**
 * A base backup with PostgreSQL's low-level API (no pg_basebackup in the embedded binaries): on ONE
 * session pg_backup_start, copy the data directory, pg_backup_stop, write backup_label. With an
 * archive dir, waits until the WAL segment holding the stop LSN is archived, so the backup can be
 * restored from the archive alone.
 */
export async function baseBackup(
  node: PgNode,
  dest: string,
  owner: { uid: number | undefined; gid: number | undefined },
  archiveDir?: string,
): Promise<BaseBackup> {
  const c = node.client();
  await c.connect();
  try {
    await c.query('select pg_backup_start($1, true)', [`drillproof-${Date.now()}`]);
    const copyOpts: Parameters<typeof copyTree>[2] = { ...BASE_BACKUP_SKIP };
    if (owner.uid !== undefined) {
      copyOpts.uid = owner.uid;
      copyOpts.gid = owner.gid;
    }
    await copyTree(node.dataDir, dest, copyOpts);
    const r = await c.query<{ lsn: string; labelfile: string; spcmapfile: string | null; wal: string }>(
      'select lsn, labelfile, spcmapfile, pg_walfile_name(lsn) as wal from pg_backup_stop(false)',
    );
    const row = r.rows[0];
    if (!row) throw new Error('pg_backup_stop returned nothing');
    const endTime = new Date();
    const write = (name: string, text: string) => {
      const f = join(dest, name);
      writeFileSync(f, text, { mode: 0o600 });
      if (owner.uid !== undefined) chownSync(f, owner.uid, owner.gid ?? owner.uid);
    };
    write('backup_label', row.labelfile);
    if (row.spcmapfile) write('tablespace_map', row.spcmapfile);
    if (archiveDir) {
      const end = Date.now() + 30_000;
      while (!existsSync(join(archiveDir, row.wal))) {
        if (Date.now() > end) throw new Error(`WAL segment ${row.wal} was not archived within 30 s`);
        await sleep(25);
      }
    }
    const startWalFile = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(row.labelfile)?.[1] ?? row.wal;
    return { dir: dest, endTime, stopLsn: row.lsn, stopWalFile: row.wal, startWalFile };
  } finally {
    await c.end().catch(() => {});
  }
}
