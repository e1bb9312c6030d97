import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEvidencePack } from '../../src/reports/pack.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { generateSigningKey, type KeyType } from '../../src/reports/signing/keys.js';
import { localSigner } from '../../src/reports/signing/signer.js';

export const FIXTURE_RUNS = fileURLToPath(new URL('../_fixtures/runs/', import.meta.url));

export type FixtureRun =
  | 'ec2-stop-passed'
  | 'ec2-stop-equivalent'
  | 'ec2-stop-slower'
  | 'az-impairment-failed'
  | 'fis-az-aws-passed';

const tmpDirs: string[] = [];

/** Copies a fixture run directory to a fresh temp dir (tests never write into test/_fixtures). */
export async function copyRun(name: FixtureRun): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'drillproof-evidence-'));
  tmpDirs.push(base);
  const dir = join(base, name);
  await cp(join(FIXTURE_RUNS, name), dir, { recursive: true });
  return dir;
}

export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'drillproof-evidence-'));
  tmpDirs.push(d);
  return d;
}

export async function cleanupTempDirs(): Promise<void> {
  for (const d of tmpDirs.splice(0)) await rm(d, { recursive: true, force: true });
}

/** A fixture run turned into a signed pack with a fresh key. */
export async function signedPack(name: FixtureRun, keyType: KeyType = 'ecdsa-p256') {
  const dir = await copyRun(name);
  const run = await loadRunDir(dir);
  const keys = generateSigningKey(keyType);
  const result = await writeEvidencePack({
    runDir: dir,
    record: run.record,
    journal: run.journal,
    samples: run.samples,
    signing: { signer: localSigner(keys.privateKey) },
  });
  return { dir, keys, result };
}
