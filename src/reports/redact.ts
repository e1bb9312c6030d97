/**
 * Redaction: nothing secret may reach an evidence pack, which is meant to be shared with
 * reviewers. Everything the pack writer emits goes through `redactText` (and the files other
 * parts wrote are rewritten through it before signing). The rules err on the side of removing a
 * value: a redacted harmless value costs less than a leaked password.
 */
import { isSecretKey, SECRET_MASK, scrubSecrets } from '../util/secrets.js';

export const REDACTED = SECRET_MASK;

interface Rule {
  name: string;
  re: RegExp;
  replace: (m: string, ...groups: string[]) => string;
}

const RULES: Rule[] = [
  {
    name: 'private-key',
    re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replace: () => REDACTED,
  },
  {
    // scheme://user:password@host — keep the user and host, drop the password.
    name: 'url-credentials',
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+):([^\s@/"'<>]+)@/gi,
    replace: (_m, head) => `${head}:${REDACTED}@`,
  },
  {
    // Presigned URLs and RDS IAM auth tokens carry their credential in the query string.
    name: 'sigv4-query',
    re: /\b(X-Amz-(?:Security-Token|Signature|Credential))=([^&\s"'<>]+)/gi,
    replace: (_m, k) => `${k}=${REDACTED}`,
  },
  { name: 'aws-access-key-id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, replace: () => REDACTED },
  {
    name: 'bearer',
    re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
    replace: (_m, scheme) => `${scheme} ${REDACTED}`,
  },
  {
    // libpq key=value connection strings: `password=...`.
    name: 'conninfo-password',
    re: /\b(password|passwd)=('[^']*'|[^\s;&"']+)/gi,
    replace: (_m, k) => `${k}=${REDACTED}`,
  },
  {
    // key: value / "key": "value" / key=value where the key names a secret. Values that are
    // references ({env: NAME}, {file: path}, {secretsManager: arn}) start with `{` and are kept.
    name: 'secret-key-value',
    // `key: value` needs a space after the colon unless the key is quoted, so `arn:...:secret:name`
    // is not mistaken for a key. Only keys that end like a secret name are matched, so a JSON string value holding
    // `KEY=value` pairs is searched inside instead of being consumed whole.
    re: /(["']?)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization|credentials|connection[_-]?string|cookie))\1(\s*=\s*|\s*:\s+|(?<=["'])\s*:\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;{}[\]"'#&\\]+)/gi,
    replace: (m, q, key, sep, value) => {
      if (!isSecretKey(key) || value === '' || value === REDACTED || /^["']?\[REDACTED\]["']?$/.test(value)) return m;
      if (['null', 'true', 'false', '""', "''", 'Bearer', 'Basic'].includes(value)) return m;
      const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
      return `${q}${key}${q}${sep}${quote}${REDACTED}${quote}`;
    },
  },
];

export interface RedactionResult {
  text: string;
  /** How many values were replaced, by rule name. */
  counts: Record<string, number>;
  total: number;
}

/** Replaces every secret-looking value in `text`. Idempotent. */
export function redactText(text: string): RedactionResult {
  const counts: Record<string, number> = {};
  let total = 0;
  // Known values first (whatever their shape), then the shapes of secrets nobody registered.
  let out = scrubSecrets(text);
  if (out !== text) {
    const n = out.split(REDACTED).length - text.split(REDACTED).length;
    counts['known-secret'] = n;
    total += n;
  }
  for (const rule of RULES) {
    out = out.replace(rule.re, (...args: unknown[]) => {
      const m = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : '')) as string[];
      const r = rule.replace(m, ...groups);
      if (r !== m) {
        counts[rule.name] = (counts[rule.name] ?? 0) + 1;
        total++;
      }
      return r;
    });
  }
  return { text: out, counts, total };
}

export function redact(text: string): string {
  return redactText(text).text;
}

/**
 * Redacts a JSON-able value: values under secret-named keys are replaced, and every string is
 * passed through the text rules (an error message can quote a connection string).
 */
export function redactValue<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(v: unknown, key: string | undefined): unknown {
  if (typeof v === 'string') {
    if (key !== undefined && isSecretKey(key) && v !== '') return REDACTED;
    return redact(v);
  }
  if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  }
  return v;
}

/** What a leak scan reports: the rule and a short excerpt with the secret itself masked. */
export interface SecretFinding {
  rule: string;
  line: number;
}

/** Finds secret-looking values without changing anything (used by tests and `verify`). */
export function findSecrets(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(new RegExp(rule.re.source, rule.re.flags))) {
      const groups = m.slice(1).map((g) => g ?? '');
      if (rule.replace(m[0], ...groups) === m[0]) continue;
      const line = text.slice(0, m.index ?? 0).split('\n').length;
      findings.push({ rule: rule.name, line });
    }
  }
  return findings;
}
