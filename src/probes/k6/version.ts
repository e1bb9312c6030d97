import { DrillproofError } from '../../errors.js';

/** What `k6 version --json` (or the text form) says about a binary. */
export interface K6BinaryInfo {
  version: string;
  major: number;
  minor: number;
  patch: number;
  extensions: { module: string; version: string; imports: string[]; outputs: string[] }[];
  /** How the information was obtained. */
  from: 'json' | 'text';
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/;

function semver(v: string): [number, number, number] | null {
  const m = SEMVER.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Parses `k6 version --json` (k6 >= v0.56). Returns null when the text is not that JSON. */
export function parseK6VersionJson(text: string): K6BinaryInfo | null {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null) return null;
  const o = j as Record<string, unknown>;
  if (typeof o.version !== 'string') return null;
  const sv = semver(o.version);
  if (!sv) return null;
  const exts = Array.isArray(o.extensions) ? o.extensions : [];
  return {
    version: o.version.startsWith('v') ? o.version : `v${o.version}`,
    major: sv[0],
    minor: sv[1],
    patch: sv[2],
    extensions: exts
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({
        module: String(e.module ?? ''),
        version: String(e.version ?? ''),
        imports: Array.isArray(e.imports) ? e.imports.map(String) : [],
        outputs: Array.isArray(e.outputs) ? e.outputs.map(String) : [],
      })),
    from: 'json',
  };
}

const TEXT_HEAD = /^k6 (v\d+\.\d+\.\d+\S*)/m;
const TEXT_EXT = /^\s+(\S+) (\S+), (\S+) \[(\w[\w-]*)\]\s*$/;

/**
 * Parses the text form: `k6 v1.8.1 (commit/…, go1.x, linux/amd64)`, optionally followed by an
 * `Extensions:` block of `<module> <version>, <name> [js|output|secret-source|subcommand]` lines.
 */
export function parseK6VersionText(text: string): K6BinaryInfo | null {
  const head = TEXT_HEAD.exec(text);
  if (!head?.[1]) return null;
  const sv = semver(head[1]);
  if (!sv) return null;
  const byModule = new Map<string, K6BinaryInfo['extensions'][number]>();
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === 'Extensions:');
  if (start >= 0) {
    for (const line of lines.slice(start + 1)) {
      const m = TEXT_EXT.exec(line);
      if (!m) continue;
      const [, module, version, name, kind] = m as unknown as [string, string, string, string, string];
      const ext = byModule.get(module) ?? { module, version, imports: [], outputs: [] };
      if (kind === 'js') ext.imports.push(name);
      else if (kind === 'output') ext.outputs.push(name);
      byModule.set(module, ext);
    }
  }
  return {
    version: head[1],
    major: sv[0],
    minor: sv[1],
    patch: sv[2],
    extensions: [...byModule.values()],
    from: 'text',
  };
}

/** Extension modules imported by a script: `import … from 'k6/x/…'` and `require('k6/x/…')`. */
export function scriptExtensionImports(script: string): string[] {
  const found = new Set<string>();
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](k6\/x\/[^'"]+)['"]/g;
  for (const m of script.matchAll(re)) if (m[1]) found.add(m[1]);
  return [...found].sort();
}

/** Well-known extension modules, so an error can say exactly what to build with. */
const KNOWN_MODULES: Record<string, string> = {
  'k6/x/sql': 'github.com/grafana/xk6-sql',
  'k6/x/sql/driver/postgres': 'github.com/grafana/xk6-sql-driver-postgres',
  'k6/x/sql/driver/mysql': 'github.com/grafana/xk6-sql-driver-mysql',
  'k6/x/sql/driver/sqlite3': 'github.com/grafana/xk6-sql-driver-sqlite3',
  'k6/x/kafka': 'github.com/mostafa/xk6-kafka',
  'k6/x/faker': 'github.com/grafana/xk6-faker',
  'k6/x/disruptor': 'github.com/grafana/xk6-disruptor',
};

export interface K6Requirements {
  /** `k6/x/...` import paths the script uses. */
  imports: string[];
  /** Extension names or module paths the scenario lists (e.g. `xk6-sql`). */
  extensions: string[];
}

/**
 * Checks the version range (v1.x and v2.x) and that every required extension is compiled in.
 * Throws a DrillproofError naming everything that is missing and the `xk6 build` command.
 */
export function checkK6Binary(bin: string, info: K6BinaryInfo, req: K6Requirements): void {
  if (info.major < 1 || info.major > 2) {
    throw DrillproofError.user(
      'K6VersionUnsupported',
      `k6 ${info.version} at ${bin} is not supported: drillproof needs k6 v1.x or v2.x`,
      {
        exitCode: 3,
        hint: 'install k6 v2 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or pass another binary with --k6 or K6_BIN',
        details: { bin, version: info.version },
      },
    );
  }
  const providedImports = new Set(info.extensions.flatMap((e) => e.imports));
  const missingImports = req.imports.filter((i) => !providedImports.has(i));
  const missingExts = req.extensions.filter(
    (want) => !info.extensions.some((e) => e.module === want || e.module.endsWith(`/${want}`)),
  );
  if (missingImports.length === 0 && missingExts.length === 0) return;
  const withModules = new Set<string>();
  for (const e of missingExts) withModules.add(e.includes('/') ? e : `github.com/grafana/${e}`);
  for (const i of missingImports) withModules.add(KNOWN_MODULES[i] ?? `<module providing ${i}>`);
  const build = `xk6 build ${info.version} ${[...withModules].map((m) => `--with ${m}`).join(' ')} -o ./k6`;
  const what = [...missingImports.map((i) => `module ${i}`), ...missingExts.map((e) => `extension ${e}`)].join(', ');
  throw DrillproofError.user('K6ExtensionMissing', `k6 ${info.version} at ${bin} lacks ${what}`, {
    exitCode: 3,
    hint: `build a k6 with the extensions (extensions must be built for k6 v${info.major}): ${build}, then pass it with --k6 ./k6 or K6_BIN=./k6`,
    details: { bin, version: info.version, missingImports, missingExtensions: missingExts, buildCommand: build },
  });
}
