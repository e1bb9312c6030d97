import { z } from 'zod';
import { parseDurationMs, parsePercent, parseRatePerSecond } from '../util/units.js';
import { checkVarSyntax } from './vars.js';

/**
 * Building blocks shared by every section of the scenario schema: units, names, strings that may
 * hold `${env.X}` / `${lab.x}` variables, secret references and strict objects whose unknown keys
 * are reported with "did you mean" suggestions.
 */

/**
 * Marks the message of an `unrecognized_keys` issue, followed by the allowed keys as JSON, so the
 * loader can suggest the closest allowed key for each unknown one (see schema-problems.ts).
 */
export const KNOWN_KEYS_MARK = 'unknown keys; allowed: ';

/** `z.strictObject` whose unknown-key issues carry the allowed keys. */
export function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `${KNOWN_KEYS_MARK}${JSON.stringify(keys)}` : undefined),
  });
}

function describeInput(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'a mapping';
  if (typeof x === 'string') return `"${x.length > 40 ? `${x.slice(0, 40)}...` : x}"`;
  return `${typeof x} ${String(x)}`;
}

export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+$';
export const RATE_PATTERN = '^\\d+(?:\\.\\d+)?\\s*/\\s*(?:ms|s|m|h)$';
export const PERCENT_PATTERN = '^\\d+(?:\\.\\d+)?\\s*%$';

/** A duration such as `500ms`, `30s`, `2m`, `1h` or `1m30s`: a unit is always required. */
export const duration = z
  .string({
    error: (iss) =>
      typeof iss.input === 'number'
        ? `a duration needs a unit, got ${describeInput(iss.input)}\nhint: write "${iss.input}s" (or ms, m, h)`
        : `expected a duration such as "30s", got ${describeInput(iss.input)}`,
  })
  .regex(new RegExp(DURATION_PATTERN), {
    error: (iss) =>
      `invalid duration ${describeInput(iss.input)}\nhint: write a number and a unit (ms, s, m, h), e.g. "500ms", "30s", "2m", "1m30s"`,
  })
  .meta({ description: 'Duration: a number and a unit (ms, s, m, h), e.g. 500ms, 30s, 2m, 1m30s.' });

/** A duration that must be greater than zero. */
export const positiveDuration = duration.refine((s) => (parseDurationMs(s) ?? 1) > 0, {
  error: (iss) => `duration ${describeInput(iss.input)} must be greater than zero`,
});

/** A rate such as `20/s` or `600/m`. */
export const rate = z
  .string({ error: (iss) => `expected a rate such as "20/s", got ${describeInput(iss.input)}` })
  .regex(new RegExp(RATE_PATTERN), {
    error: (iss) => `invalid rate ${describeInput(iss.input)}: write a count per unit, e.g. "20/s" or "600/m"`,
  })
  .refine((s) => !new RegExp(RATE_PATTERN).test(s) || parseRatePerSecond(s) !== undefined, {
    error: 'a rate must be greater than zero, e.g. "20/s"',
  })
  .meta({ description: 'Rate: a count per unit of time, e.g. 20/s, 600/m.' });

/** A percentage such as `99.9%` (0 to 100). */
export const percent = z
  .string({
    error: (iss) =>
      typeof iss.input === 'number'
        ? `a percentage needs a % sign, got ${describeInput(iss.input)}\nhint: write "${iss.input}%"`
        : `expected a percentage such as "99.9%", got ${describeInput(iss.input)}`,
  })
  .regex(new RegExp(PERCENT_PATTERN), {
    error: (iss) => `invalid percentage ${describeInput(iss.input)}: write a number and %, e.g. "99.9%"`,
  })
  .refine((s) => !new RegExp(PERCENT_PATTERN).test(s) || parsePercent(s) !== undefined, {
    error: 'a percentage must be between 0% and 100%',
  })
  .meta({ description: 'Percentage from 0% to 100%, e.g. 99.9%.' });

export const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,62}$';

/** A name used to refer to a resource, probe or fault: letters, digits, `-`, `_`. */
export const name = z
  .string({ error: (iss) => `expected a name, got ${describeInput(iss.input)}` })
  .regex(new RegExp(NAME_PATTERN), {
    error: (iss) =>
      `invalid name ${describeInput(iss.input)}: start with a letter, then letters, digits, "-" or "_" (at most 63)`,
  });

/** Index of the first C0 control character other than tab, newline and carriage return, or DEL; -1 if none. */
function controlCharacterAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/**
 * Free text that may contain `${env.NAME}` and `${lab.path}` variables (resolved at run time by
 * `resolveScenarioVars`). `$${` writes a literal `${`.
 */
export const text = z
  .string({ error: (iss) => `expected a string, got ${describeInput(iss.input)}` })
  .superRefine((s, ctx) => {
    // A quoted YAML string can carry "\0" and other control characters no host, name or query has.
    const at = controlCharacterAt(s);
    if (at >= 0) {
      const code = s.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
      ctx.addIssue({
        code: 'custom',
        message: `contains the control character U+${code} at character ${at + 1}: remove it`,
        input: s,
      });
    }
    for (const problem of checkVarSyntax(s)) ctx.addIssue({ code: 'custom', message: problem, input: s });
  });

export const nonEmptyText = text.refine((s) => s.trim().length > 0, { error: 'must not be empty' });

/** A whole-value variable reference, e.g. `${lab.db.port}`, where a number is expected. */
export const VAR_REF_PATTERN =
  '^\\$\\{(?:env\\.[A-Za-z_][A-Za-z0-9_]*|lab(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[\\d+\\])+)\\}$';
const varRef = z.string().regex(new RegExp(VAR_REF_PATTERN));

/**
 * A number, or one variable resolving to one (ports). After `resolveScenarioVars` the value is
 * always a number.
 */
export function numberOrVar(num: z.ZodNumber) {
  return z.union([num, varRef], {
    error: (iss) =>
      typeof iss.input === 'string'
        ? `expected a number or one variable such as "\${lab.db.port}", got ${describeInput(iss.input)}`
        : `expected a number, got ${describeInput(iss.input)}`,
  });
}

export const port = numberOrVar(
  z
    .number({ error: (iss) => `expected a port number, got ${describeInput(iss.input)}` })
    .int()
    .min(1)
    .max(65535),
);

/** String-to-string map (tags, headers, env). Values may hold variables. */
export const stringMap = z.record(
  z.string(),
  z.union([text, z.number(), z.boolean()]).transform((v) => String(v)),
);
export const tagMap = z.record(
  z.string().min(1, { error: 'a tag key must not be empty' }),
  z.union([text, z.number(), z.boolean()]).transform((v) => String(v)),
);

/**
 * A reference to a secret: secrets are never written in a scenario (scenarios go into the signed
 * evidence pack verbatim).
 */
export const secretRef = z
  .union(
    [
      strict({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name' }) }),
      strict({ file: text.meta({ description: 'Path of a file holding the secret (relative to the scenario).' }) }),
      strict({
        secretsManager: text.meta({ description: 'Secrets Manager secret id or ARN.' }),
        key: z.string().optional().meta({ description: 'JSON key inside the secret string, e.g. password.' }),
      }),
      strict({ rdsIamAuth: z.literal(true) }),
    ],
    {
      error: (iss) =>
        typeof iss.input === 'string' || typeof iss.input === 'number'
          ? 'secrets are never written inline (the scenario is copied into the evidence pack)\nhint: write {env: NAME} and set NAME, or {file: path}, {secretsManager: arn, key: password}, {rdsIamAuth: true}'
          : 'expected a secret reference\nhint: write one of {env: NAME}, {file: path}, {secretsManager: arn, key: name}, {rdsIamAuth: true}',
    },
  )
  .meta({ description: 'Secret reference: {env}, {file}, {secretsManager, key} or {rdsIamAuth: true}.' });

export type SecretRef = z.infer<typeof secretRef>;

export { describeInput };

export const TLS_MODES = ['disable', 'require', 'verify-full'] as const;
const tlsMode = z.enum(TLS_MODES);
/** Where the CA bundle that signed the server certificate comes from (RDS: global-bundle.pem). */
const caSource = z
  .union([
    strict({ file: text.meta({ description: 'PEM file (relative to the scenario file), e.g. global-bundle.pem.' }) }),
    strict({ env: text.meta({ description: 'Environment variable holding the PEM bundle itself.' }) }),
  ])
  .meta({ description: 'CA certificates to trust: { file: path } or { env: NAME }.' });
/** TLS of a database connection: a mode, or a mode with the CA bundle to verify against. */
export const sslSetting = z
  .union([
    tlsMode,
    strict({
      mode: tlsMode,
      ca: caSource.optional(),
    }),
  ])
  .meta({
    description:
      "TLS: disable, require (encrypted, certificate not checked) or verify-full (chain and host name checked against Node's CAs, or { mode: verify-full, ca: { file: global-bundle.pem } } for RDS).",
  });
export type SslSetting = z.infer<typeof sslSetting>;
