import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The signature bundle: the only file of a pack that is not one of its own subjects. */
export const BUNDLE_FILE = 'evidence.sigstore.json';
export const SUMS_FILE = 'SHA256SUMS';
export const PUBLIC_KEY_FILE = 'signing-key.pub.pem';
export const VERIFY_FILE = 'VERIFY.md';

export interface PackEntry {
  /** POSIX path relative to the pack root. */
  name: string;
  /** `file` for a regular file; anything else (a symlink, fifo, socket, device) is never signed. */
  type: 'file' | 'symlink' | 'fifo' | 'socket' | 'device' | 'other';
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) as number;

/**
 * Every entry under `dir` that is not a directory, as sorted POSIX relative paths (byte order,
 * like `LC_ALL=C sort`). Symlinks are reported as such and never followed: a link in a pack could
 * point anywhere, so it can be neither signed nor verified.
 */
export async function listPackEntries(dir: string): Promise<PackEntry[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out: PackEntry[] = [];
  for (const e of entries) {
    if (e.isDirectory()) continue;
    const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir;
    const name = relative(dir, join(parent, e.name)).split(sep).join('/');
    const type: PackEntry['type'] = e.isFile()
      ? 'file'
      : e.isSymbolicLink()
        ? 'symlink'
        : e.isFIFO()
          ? 'fifo'
          : e.isSocket()
            ? 'socket'
            : e.isBlockDevice() || e.isCharacterDevice()
              ? 'device'
              : 'other';
    out.push({ name, type });
  }
  return out.sort((a, b) => byteOrder(a.name, b.name));
}

/** Every regular file under `dir`, sorted in byte order. */
export async function listPackFiles(dir: string): Promise<string[]> {
  return (await listPackEntries(dir)).filter((e) => e.type === 'file').map((e) => e.name);
}

/** Every directory under `dir` (relative POSIX paths): a signed file replaced by a directory shows here. */
export async function listPackDirs(dir: string): Promise<Set<string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out = new Set<string>();
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir;
    out.add(relative(dir, join(parent, e.name)).split(sep).join('/'));
  }
  return out;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

export interface FileDigest {
  name: string;
  sha256: string;
}

export async function digestFiles(dir: string, names: readonly string[]): Promise<FileDigest[]> {
  const out: FileDigest[] = [];
  for (const name of names) out.push({ name, sha256: await sha256File(join(dir, name)) });
  return out;
}

/** GNU coreutils format (`sha256sum -c SHA256SUMS` reads it): `<hex>  <name>`. */
export function formatSums(digests: readonly FileDigest[]): string {
  return digests.map((d) => `${d.sha256}  ${d.name}\n`).join('');
}

export function parseSums(text: string): FileDigest[] {
  const out: FileDigest[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m) out.push({ sha256: m[1] as string, name: m[2] as string });
  }
  return out;
}

/** File names that cannot be listed safely in SHA256SUMS or the VERIFY.md shell recipe. */
export function unsafeFileName(name: string): boolean {
  return !/^[A-Za-z0-9._@+=,-][A-Za-z0-9._@+=,/-]*$/.test(name) || name.split('/').some((p) => p === '..' || p === '');
}
