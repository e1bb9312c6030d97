/**
 * The process-wide registry of secret values. Every value read from a secret reference (a
 * password from the environment, a file, Secrets Manager, an RDS IAM token), every credential in
 * the process environment and every value under a credential-named key is registered when it is
 * read; every writer (journal, samples, message sink, run record, evidence pack) passes its text
 * through `scrubSecrets`, so a value is removed wherever it appears, whatever shape it has. The
 * pack refuses to be signed while a file still holds one (`findKnownSecret`).
 */
export const SECRET_MASK = '[REDACTED]';

/** Key names (compared without `_`/`-`, case-insensitive) whose values are secrets. */
const SECRET_KEY_SUFFIXES = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'secretaccesskey',
  'accesskey',
  'privatekey',
  'clientsecret',
  'authorization',
  'credentials',
  'connectionstring',
  'cookie',
  'sessiontoken',
];

/** Names that end like a credential but are not one. */
const NOT_SECRET_KEYS = new Set(['pwd', 'oldpwd']);

/** A header, parameter or variable name that names a credential (`Authorization`, `DB_PASSWORD`). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  // The shell's working directories (PWD, OLDPWD) end in "pwd" and are paths, not passwords.
  if (NOT_SECRET_KEYS.has(k)) return false;
  // `keyHint`, `tokenUrl`, `secretsManager` and friends name where a secret lives, not the secret.
  return SECRET_KEY_SUFFIXES.some((s) => k.endsWith(s));
}

/** Shorter values would mask ordinary words and numbers; no real credential is this short. */
const MIN_LENGTH = 6;

const known = new Set<string>();
let ordered: string[] = [];

/** Every form a value takes in the files drillproof writes: as is, JSON-escaped, URL-encoded. */
function forms(v: string): string[] {
  const out = new Set([v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]);
  // A value with a header scheme (`Bearer abc…`) is also masked without its scheme.
  const bare = /^(?:Bearer|Basic|Token)\s+(\S+)$/i.exec(v)?.[1];
  if (bare) for (const f of forms(bare)) out.add(f);
  return [...out].filter((f) => f.length >= MIN_LENGTH);
}

/** Registers a secret value (no-op for empty and very short values). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
  let added = false;
  for (const f of forms(value)) {
    if (!known.has(f)) {
      known.add(f);
      added = true;
    }
  }
  // Longest first: a secret that contains another is masked whole.
  if (added) ordered = [...known].sort((a, b) => b.length - a.length);
}

/** The credentials a process environment holds: AWS keys, session token, credential-named variables. */
export function registerEnvSecrets(env: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(env)) {
    if (k === 'AWS_ACCESS_KEY_ID') continue; // an id, not a secret (and masked by shape in reports)
    if (isSecretKey(k)) registerSecret(v);
  }
}

/** Registers the values of credential-named keys of a record (headers, params, env maps). */
export function registerSecretFields(map: Record<string, unknown> | undefined): void {
  for (const [k, v] of Object.entries(map ?? {})) if (isSecretKey(k) && typeof v === 'string') registerSecret(v);
}

/** The text with every registered value replaced by the mask. */
export function scrubSecrets(text: string): string {
  if (ordered.length === 0) return text;
  let out = text;
  for (const v of ordered) if (out.includes(v)) out = out.split(v).join(SECRET_MASK);
  return out;
}

/** A JSON-able value with every registered secret removed from its strings (and its keys). */
export function scrubSecretsIn<T>(value: T): T {
  if (ordered.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubSecrets(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrubSecrets(k), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** Whether a text (or a file's bytes read as UTF-8) still holds a registered secret value. */
export function findKnownSecret(text: string): boolean {
  return ordered.some((v) => text.includes(v));
}

/** How many values are registered (messages and tests; never the values). */
export function knownSecretCount(): number {
  return known.size;
}

/** Forgets every value (tests only: the registry lives as long as the process). */
export function clearSecretsForTests(): void {
  known.clear();
  ordered = [];
}
