import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DrillproofError } from '../../errors.js';

/** Where redis-server is: on PATH or Debian's /usr/bin. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/sbin']) {
    const p = join(dir, 'redis-server');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Throws a user error with the install command when the lab's Redis cannot start. */
export function requireRedisServer(env: NodeJS.ProcessEnv = process.env): string {
  const p = findRedisServer(env);
  if (!p) {
    throw DrillproofError.user(
      'RedisServerMissing',
      'the lab needs redis-server for ElastiCache, and it is not installed',
      {
        hint: 'install it with: sudo apt-get install -y redis-server (the lab starts its own servers on free ports; the system service may stay disabled), or start the lab without --redis',
      },
    );
  }
  return p;
}

/** `Redis server v=7.0.15 ...` → `7.0.15`. */
export function redisVersion(bin: string): string {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8' });
  return /v=(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? 'unknown';
}
