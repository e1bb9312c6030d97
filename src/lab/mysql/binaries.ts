import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DrillproofError } from '../../errors.js';

const execFileP = promisify(execFile);

/** Where the MariaDB server binaries are, who the servers run as, and the initialized template. */
export interface MariaRuntime {
  mariadbd: string;
  version: string;
  /** Set when we are root: the servers run as the unprivileged `mysql` user. */
  uid: number | undefined;
  gid: number | undefined;
  /** An initialized, never started data directory every node is copied from. */
  templateDir: string;
}

/** innodb settings the template is made with; every server must start with the same ones. */
export const INNODB_ARGS = ['--innodb-buffer-pool-size=16M', '--innodb-log-file-size=4M'];

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function find(names: string[], dirs: string[]): string | undefined {
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return undefined;
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

function missing(what: string, dirs: string[]): DrillproofError {
  return DrillproofError.user(
    'LabMariadbMissing',
    `the Aurora MySQL cluster of the lab needs MariaDB: ${what} in ${dirs.join(', ')}`,
    {
      hint: 'install the Debian package: apt-get install mariadb-server (the lab starts its own servers; the system service is not used)',
    },
  );
}

/**
 * Debian's `mariadbd` and `mariadb-install-db`; `LabMariadbMissing` (naming the apt package) when
 * absent. `lab up --aurora-mysql` checks this before it starts anything.
 */
export function requireMariadbBinaries(dirs: string[] = SEARCH): { mariadbd: string; installDb: string } {
  const mariadbd = find(['mariadbd', 'mysqld'], dirs);
  const installDb = find(['mariadb-install-db', 'mysql_install_db'], dirs);
  if (!mariadbd) throw missing('no mariadbd binary was found', dirs);
  if (!installDb) throw missing('no mariadb-install-db binary was found', dirs);
  return { mariadbd, installDb };
}

/**
 * Finds Debian's `mariadbd` and `mariadb-install-db`, and makes (once per machine and version) an
 * initialized template data directory: initializing takes seconds, copying it milliseconds.
 */
export async function prepareMariaRuntime(): Promise<MariaRuntime> {
  const { mariadbd, installDb } = requireMariadbBinaries();
  const version = execFileSync(mariadbd, ['--version'], { encoding: 'utf8' }).match(/Ver\s+(\S+)/)?.[1] ?? 'unknown';
  const root = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (root) {
    uid = idOf('-u', 'mysql');
    gid = idOf('-g', 'mysql');
    if (uid === undefined || gid === undefined) {
      throw DrillproofError.tool('LabMariadbUser', 'the mysql OS user the lab runs MariaDB as does not exist', {
        hint: 'it comes with the Debian package: apt-get install mariadb-server',
      });
    }
  }
  const base = root ? '/tmp' : tmpdir();
  const templateDir = join(base, `drillproof-mariadb-${version}${root ? '' : `-${process.getuid?.() ?? 0}`}`);
  if (!existsSync(join(templateDir, '.complete'))) {
    const tmp = `${templateDir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o755 });
    try {
      await execFileP(installDb, [
        '--no-defaults',
        ...(root ? ['--user=mysql'] : []),
        `--datadir=${join(tmp, 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...INNODB_ARGS,
      ]);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw DrillproofError.tool('LabMariadbInit', 'mariadb-install-db failed to make the lab template', {
        cause: e,
        hint: String((e as { stderr?: string }).stderr ?? '').slice(-800),
      });
    }
    writeFileSync(join(tmp, '.complete'), version);
    try {
      renameSync(tmp, templateDir);
    } catch {
      // Another lab made the same template first.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { mariadbd, version, uid, gid, templateDir: join(templateDir, 'data') };
}

/** Copies the template to a new data directory owned by the server's user. */
export function copyTemplate(rt: MariaRuntime, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  cpSync(rt.templateDir, dest, { recursive: true });
  if (rt.uid !== undefined) execFileSync('chown', ['-R', `${rt.uid}:${rt.gid ?? rt.uid}`, dest]);
}
