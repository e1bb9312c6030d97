import { basename } from 'node:path';
import { DrillproofError } from '../../errors.js';

/**
 * `${env.X}` in `exec` and `http` steps is kept as written until the step runs (the scenario
 * resolver leaves it alone), so the journal records the reference and never the value, and
 * `recover` reads the value from its own environment. These helpers turn such a template into
 * a value (a whole argument, a header), a shell script that reads the variable from the
 * environment (`${X}`), or a shell-quoted word for printed manual steps.
 */
const REF = /\$\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

type Part = { lit: string } | { env: string };

function parts(template: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(REF)) {
    const at = m.index ?? 0;
    // `$${` is a literal `${`: the match starts one character after a `$`.
    if (at > 0 && template[at - 1] === '$') continue;
    out.push({ lit: template.slice(last, at) });
    out.push({ env: m[1] as string });
    last = at + m[0].length;
  }
  out.push({ lit: template.slice(last) });
  return out.map((p) => ('lit' in p ? { lit: p.lit.replaceAll('$${', '${') } : p));
}

/** Environment variables a template reads. */
export function envRefs(template: string): string[] {
  return parts(template).flatMap((p) => ('env' in p ? [p.env] : []));
}

/**
 * The template with each `${env.X}` replaced by the variable's value: the result is one
 * argument or header value, never parsed by a shell. @throws DrillproofError `StepVarUnset`
 */
export function expandTemplate(template: string, env: Record<string, string | undefined>, where: string): string {
  return parts(template)
    .map((p) => {
      if ('lit' in p) return p.lit;
      const v = env[p.env];
      if (v === undefined) {
        throw DrillproofError.user('StepVarUnset', `${where} reads \${env.${p.env}}, which is not set`, {
          hint: `export ${p.env} before running (recover needs it too)`,
        });
      }
      return v;
    })
    .join('');
}

/** A shell script in which `${env.X}` becomes the shell's own `${X}`: the value stays in the environment. */
export function shellScript(template: string): string {
  return parts(template)
    .map((p) => ('lit' in p ? p.lit : `\${${p.env}}`))
    .join('');
}

/** POSIX single-quoting: safe for any byte string. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\-+=/.,:@%]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** One printed shell word: literal parts single-quoted, `${env.X}` as `"${X}"` (never its value). */
export function shellWord(template: string): string {
  const ps = parts(template).filter((p) => !('lit' in p) || p.lit !== '');
  if (ps.length === 0) return "''";
  return ps.map((p) => ('lit' in p ? shellQuote(p.lit) : `"\${${p.env}}"`)).join('');
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'busybox']);

/** The argv's shell script, if the program is a shell given `-c` (`[sh, -c, script, ...]`). */
export function shellScriptIndex(argv: readonly string[]): number {
  if (!SHELLS.has(basename(argv[0] ?? ''))) return -1;
  const c = argv.findIndex((a, i) => i > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(a));
  return c > 0 && c + 1 < argv.length ? c + 1 : -1;
}
