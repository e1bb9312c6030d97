// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario variables are literal text in these tests
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execArgv, execManualStep, runCommand } from '../../../src/experiments/faults/command.js';
import { faultDefinition, keepsEnvUntilRun } from '../../../src/experiments/faults/registry.js';
import type { FaultContext } from '../../../src/experiments/faults/types.js';
import { injectFaults } from '../../../src/experiments/phases/inject.js';
import { recordScenarioRollback } from '../../../src/experiments/phases/rollback.js';
import { recoverRun } from '../../../src/experiments/recover.js';
import { RollbackStack } from '../../../src/experiments/rollback.js';
import { type ScenarioInput, scenarioSchema } from '../../../src/experiments/schema/scenario.js';
import { WatcherSet } from '../../../src/experiments/watchers/watchers.js';
import { RecordingSink } from '../../../src/io/messages.js';
import { Journal } from '../../../src/run/journal.js';
import { resolveScenarioVars } from '../../../src/scenario/vars.js';
import { AnchoredClock, systemClock } from '../../../src/util/clock.js';
import { fakeAws } from '../../_helpers/fake-aws.js';

/**
 * exec and http steps under hostile input: a variable holding shell metacharacters reaches no
 * shell as code, documented fields (cwd, env, headers) are honoured, timeouts kill the process
 * group, and relative commands resolve against the scenario's directory also in `recover`.
 */
const HOSTILE = '$(touch A); `touch B`; touch C | touch D && touch E';
const tmp = mkdtempSync(join(tmpdir(), 'dp-exec-safety-'));
const seen: { url: string; method: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
    if (req.url === '/slow') return; // never answers
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

function scenarioWith(faults: unknown[], rollbackSteps: unknown[] = []) {
  const input = {
    version: 1,
    metadata: { name: 'exec-safety' },
    target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
    resources: {},
    steps: { baseline: '1s', faults, observe: { timeout: '1m' } },
    ...(rollbackSteps.length ? { rollback: { mode: 'auto', steps: rollbackSteps } } : {}),
  } as unknown as ScenarioInput;
  return scenarioSchema.parse(input);
}

/** Resolves, prepares and injects the faults as a drill does, records rollback steps, then "crashes". */
async function injectAndCrash(
  faults: unknown[],
  env: NodeJS.ProcessEnv,
  scenarioDir: string,
  rollbackSteps: unknown[] = [],
) {
  const scenario = resolveScenarioVars(scenarioWith(faults, rollbackSteps), { env }, { keepEnv: keepsEnvUntilRun });
  const runDir = mkdtempSync(join(tmp, 'run-'));
  const timeline = new AnchoredClock(systemClock);
  const journal = Journal.create(join(runDir, 'journal.ndjson'), timeline);
  journal.append('run.started', { runId: 'run-1', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
  const sink = new RecordingSink();
  const f = fakeAws({});
  const ctx: FaultContext = {
    aws: f.aws,
    runId: 'run-1',
    runDir,
    clock: systemClock,
    timeline,
    journal,
    sink,
    signal: new AbortController().signal,
    pollMs: 100,
    waitTimeoutMs: 10_000,
    resources: new Map(),
    env,
    scenarioDir,
  };
  const actions = [];
  for (const step of scenario.steps.faults) {
    actions.push(...((await faultDefinition(step.type)?.prepare(step as never, ctx, undefined)) ?? []));
  }
  const rollback = new RollbackStack(journal, sink);
  recordScenarioRollback(scenario, rollback, scenarioDir);
  const watchers = new WatcherSet({ aws: f.aws, journal, clock: systemClock, pollMs: 1000, since: new Date(0) });
  const inj = await injectFaults({ actions, ctx, journal, rollback, watchers, sink, onFirstFault: () => {} });
  journal.close();
  const journalText = readFileSync(join(runDir, 'journal.ndjson'), 'utf8');
  const recover = () =>
    recoverRun(runDir, { createAws: () => f.aws, sink: new RecordingSink(), pollMs: 100, isAlive: () => false, env });
  return { runDir, inj, journalText, recover, f };
}

describe('no shell unless asked', () => {
  it('the metacharacter string through ${env.X} in every exec form, inject and inverse, creates no file', async () => {
    const dir = mkdtempSync(join(tmp, 'inj-'));
    const env = { ...process.env, X: HOSTILE };
    const out = join(dir, 'out');
    const sh = ['/bin/sh', '-c', `printf %s "\${env.X}" >> ${out}; echo >> ${out}`];
    const faults = [
      { id: 'argv', type: 'exec', command: ['/bin/echo', '${env.X}'], inverse: ['/bin/echo', 'pre-${env.X}-post'] },
      { id: 'argv-sh', type: 'exec', command: sh, inverse: sh },
      {
        id: 'argv-bash',
        type: 'exec',
        command: ['bash', '-c', 'echo ${env.X} > /dev/null'],
        inverse: ['bash', '-c', 'echo ${env.X}'],
      },
      {
        id: 'shell',
        type: 'exec',
        shell: true,
        command: `echo \${env.X} >> ${out}`,
        inverse: `echo "\${env.X}" >> ${out}`,
      },
      {
        id: 'env',
        type: 'exec',
        command: ['/bin/sh', '-c', `echo "$Y" >> ${out}`],
        env: { Y: '${env.X}' },
        inverse: ['/bin/true'],
      },
    ];
    const rb = [{ id: 'rb-shell', type: 'exec', shell: true, command: `echo \${env.X} >> ${out}` }];
    const { inj, journalText, recover } = await injectAndCrash(faults, env, dir, rb);
    expect(inj.failed).toBeNull();
    const r = await recover();
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.filter((o) => o.status !== 'succeeded')).toEqual([]);
    // Nothing was created but the output file, which holds the literal string each time.
    expect(readdirSync(dir).sort()).toEqual(['out']);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toEqual(Array(lines.length).fill(HOSTILE));
    // Written by: argv-sh, shell, env (inject); argv-sh, shell inverses and the rollback step (recover).
    expect(lines.length).toBe(6);
    // The journaled commands and manual steps hold the reference, never the value.
    const recorded = journalText.split('\n').filter((l) => l.includes('"inverse.recorded"'));
    expect(recorded).toHaveLength(6);
    for (const l of recorded) expect(l).not.toContain('touch A');
    expect(journalText).toContain(`/bin/sh -c 'printf %s \\"\${X}\\" >> ${out}; echo >> ${out}'`);
    for (const f of ['A', 'B', 'C', 'D', 'E']) expect(existsSync(join(process.cwd(), f))).toBe(false);
  });

  it('the manual rollback steps quote what they print and show variables, not values', () => {
    const spec = {
      command: ['./undo.sh', "it's", '${env.X}', 'a b'],
      env: { TOKEN: 'Bearer ${env.T}' },
      cwd: '/srv/my dir',
      baseDir: '/srv/scen',
      timeoutMs: 1000,
    };
    expect(execManualStep(spec)).toBe(
      `cd '/srv/my dir' && TOKEN='Bearer '"\${T}" /srv/scen/undo.sh 'it'\\''s' "\${X}" 'a b'`,
    );
    expect(execArgv({ ...spec, shell: true, command: 'echo ${env.X} $${HOME}' }, {}, 'x')).toEqual([
      '/bin/sh',
      '-c',
      'echo ${X} ${HOME}',
    ]);
  });

  it('a 2 s timeout ends a 30 s command (and its children) within 3 s', async () => {
    const t0 = Date.now();
    const r = await runCommand(['/bin/sh', '-c', 'sleep 30 & sleep 30; wait'], {
      timeoutMs: 2000,
      cwd: tmp,
      env: process.env,
    });
    const took = Date.now() - t0;
    expect(r.timedOut).toBe(true);
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(3000);
  });

  it('a failing or timed-out exec step is a drill outcome (exit 11), not a tool error', async () => {
    const dir = mkdtempSync(join(tmp, 'fail-'));
    const { inj } = await injectAndCrash([{ id: 'boom', type: 'exec', command: ['/bin/false'] }], process.env, dir);
    expect({ code: inj.failed?.code, exit: inj.failed?.exitCode }).toEqual({ code: 'ExecCommandFailed', exit: 11 });
    const slow = await injectAndCrash(
      [{ id: 'slow', type: 'exec', command: ['sleep', '30'], timeout: '1s' }],
      process.env,
      dir,
    );
    expect(slow.inj.failed?.message).toMatch(/timed out/);
  });

  it('cwd and env do what the reference says; relative cwd and commands resolve against the scenario directory', async () => {
    const scen = mkdtempSync(join(tmp, 'scen-'));
    mkdirSync(join(scen, 'work'));
    writeFileSync(join(scen, 'undo.sh'), '#!/bin/sh\npwd > "$OUT"\necho "FOO=$FOO" >> "$OUT"\n');
    chmodSync(join(scen, 'undo.sh'), 0o755);
    const out = join(tmp, `cwd-${Date.now()}`);
    const env = { ...process.env, OUT: out };
    const faults = [
      {
        id: 'c',
        type: 'exec',
        command: ['./undo.sh'],
        inverse: ['./undo.sh'],
        cwd: 'work',
        env: { FOO: 'from-scenario' },
      },
    ];
    const { inj, recover } = await injectAndCrash(faults, env, scen);
    expect(inj.failed).toBeNull();
    expect(readFileSync(out, 'utf8')).toBe(`${join(scen, 'work')}\nFOO=from-scenario\n`);
    rmSync(out);
    // recover runs from the run directory (another cwd): the journal's absolute paths decide.
    const r = await recover();
    expect(r.exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${join(scen, 'work')}\nFOO=from-scenario\n`);
  });
});

describe('http steps', () => {
  it('headers are sent on inject and inverse, ${env.X} read at send time and never journaled', async () => {
    const env = { ...process.env, TOKEN: 'tok-9f3b2c' };
    const step = {
      id: 'flag',
      type: 'http',
      url: `${base}/on`,
      method: 'PUT',
      headers: { Authorization: 'Bearer ${env.TOKEN}', 'X-Plain': 'yes' },
      inverse: { url: `${base}/off`, method: 'PUT', headers: { Authorization: 'Bearer ${env.TOKEN}' } },
    };
    seen.length = 0;
    const { inj, journalText, recover } = await injectAndCrash([step], env, tmp);
    expect(inj.failed).toBeNull();
    expect(await recover().then((r) => r.exitCode)).toBe(0);
    expect(seen.map((s) => [s.method, s.url, s.headers.authorization, s.headers['x-plain']])).toEqual([
      ['PUT', '/on', 'Bearer tok-9f3b2c', 'yes'],
      ['PUT', '/off', 'Bearer tok-9f3b2c', undefined],
    ]);
    expect(journalText).not.toContain('tok-9f3b2c');
    expect(journalText).toContain(`curl -X PUT -H 'Authorization: Bearer '\\"\${TOKEN}\\"`);
  });

  it('the timeout bounds a request that never answers', async () => {
    const t0 = Date.now();
    const { inj } = await injectAndCrash(
      [{ id: 's', type: 'http', url: `${base}/slow`, timeout: '1s' }],
      process.env,
      tmp,
    );
    expect(Date.now() - t0).toBeLessThan(2500);
    expect({ code: inj.failed?.code, exit: inj.failed?.exitCode }).toEqual({ code: 'HttpActionFailed', exit: 11 });
  });
});
