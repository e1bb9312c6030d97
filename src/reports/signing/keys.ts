import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillproofError } from '../../errors.js';

/**
 * Local signing keys. ECDSA P-256 is the default (what cosign verifies best); Ed25519 is offered
 * for signify-style tooling. Private keys are unencrypted PKCS#8 PEM written with mode 0600;
 * public keys are SPKI PEM (`-----BEGIN PUBLIC KEY-----`), which cosign, openssl and
 * @sigstore/verify all read.
 */
export type KeyType = 'ecdsa-p256' | 'ed25519';
export const KEY_TYPES: readonly KeyType[] = ['ecdsa-p256', 'ed25519'];

export function keyTypeOf(key: KeyObject): KeyType {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw DrillproofError.user(
    'SigningKeyUnsupported',
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}${
      key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''
    }: drillproof signs with ECDSA P-256 or Ed25519`,
    { hint: 'create a key with `drillproof keygen --type ecdsa-p256`' },
  );
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** The key fingerprint: hex SHA-256 of the DER SubjectPublicKeyInfo (RFC 6962 style, as sigstore hints). */
export function keyFingerprint(key: KeyObject | string): string {
  const pub = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function generateSigningKey(type: KeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  return type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export interface KeygenResult {
  type: KeyType;
  privateKeyPath: string;
  publicKeyPath: string;
  fingerprint: string;
}

/** Writes `drillproof-signing.key` (0600) and `drillproof-signing.pub.pem` into `dir`. */
export async function writeKeyPair(dir: string, type: KeyType, opts: { force?: boolean } = {}): Promise<KeygenResult> {
  const { privateKey, publicKey } = generateSigningKey(type);
  await mkdir(dir, { recursive: true });
  const privateKeyPath = join(dir, 'drillproof-signing.key');
  const publicKeyPath = join(dir, 'drillproof-signing.pub.pem');
  const flag = opts.force ? 'w' : 'wx';
  try {
    await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), {
      mode: 0o600,
      flag,
    });
    await writeFile(publicKeyPath, publicKeyPem(publicKey), { flag });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw DrillproofError.user('SigningKeyExists', `a signing key already exists in ${dir}`, {
        hint: 'pass --force to replace it, or choose another --out directory',
        cause: err,
      });
    }
    throw err;
  }
  return { type, privateKeyPath, publicKeyPath, fingerprint: keyFingerprint(publicKey) };
}

export async function loadPrivateKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw DrillproofError.user('SigningKeyUnreadable', `cannot read the signing key ${path}`, {
      hint: 'create one with `drillproof keygen`, or pass --key <path-to-private-key.pem>',
      cause: err,
    });
  }
  try {
    const key = createPrivateKey(pem);
    keyTypeOf(key);
    return key;
  } catch (err) {
    if (DrillproofError.is(err)) throw err;
    throw DrillproofError.user('SigningKeyInvalid', `${path} is not an unencrypted PEM private key`, {
      hint: 'use a PKCS#8 PEM key as written by `drillproof keygen` (encrypted keys are not supported)',
      cause: err,
    });
  }
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw DrillproofError.user('PublicKeyUnreadable', `cannot read the public key ${path}`, { cause: err });
  }
  try {
    const key = createPublicKey(pem);
    keyTypeOf(key);
    return key;
  } catch (err) {
    if (DrillproofError.is(err)) throw err;
    throw DrillproofError.user('PublicKeyInvalid', `${path} is not a PEM public key`, {
      hint: 'pass the SPKI PEM (-----BEGIN PUBLIC KEY-----) of the signing key',
      cause: err,
    });
  }
}
