import { chown, copyFile, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface CopyOptions {
  /** Relative paths (posix) whose contents are skipped; the directory itself is still created. */
  skipContents?: string[];
  /** Relative paths skipped entirely. */
  skip?: string[];
  uid?: number;
  gid?: number;
}

/**
 * Copies a PostgreSQL data directory while the server runs (a base backup between pg_backup_start
 * and pg_backup_stop): files may vanish mid-copy, which is fine; WAL replay repairs torn pages.
 */
export async function copyTree(src: string, dst: string, o: CopyOptions = {}): Promise<void> {
  const walk = async (from: string, to: string): Promise<void> => {
    const rel = relative(src, from);
    await mkdir(to, { recursive: true, mode: 0o700 });
    if (o.uid !== undefined) await chown(to, o.uid, o.gid ?? o.uid);
    if (o.skipContents?.includes(rel)) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(from, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (e) => {
        const f = join(from, e.name);
        const t = join(to, e.name);
        const r = relative(src, f);
        if (o.skip?.includes(r)) return;
        try {
          if (e.isDirectory()) return await walk(f, t);
          if (e.isSymbolicLink()) {
            await symlink(await readlink(f), t);
          } else {
            await copyFile(f, t);
          }
          if (o.uid !== undefined) await chown(t, o.uid, o.gid ?? o.uid).catch(() => {});
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }),
    );
  };
  await lstat(src);
  await walk(src, dst);
}

/** What a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the Low Level API"). */
export const BASE_BACKUP_SKIP = {
  skipContents: [
    'pg_wal',
    'pg_replslot',
    'pg_stat_tmp',
    'pg_dynshmem',
    'pg_notify',
    'pg_serial',
    'pg_snapshots',
    'pg_subtrans',
  ],
  skip: [
    'postmaster.pid',
    'postmaster.opts',
    'standby.signal',
    'recovery.signal',
    'backup_label',
    'backup_label.old',
    'log',
  ],
};
