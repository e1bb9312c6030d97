#!/usr/bin/env node
// A stand-in for the k6 binary in tests (k6 cannot be installed here). It behaves like k6 for
// `version [--json]` and `run --out json=<file> --address 127.0.0.1:<port> ...`: it replays a
// hand-made NDJSON fixture into the output file (one write per line, some lines split in two
// writes), serves GET/PATCH /v1/status, honours SIGTERM/SIGINT and writes the summary.
// Behaviour is set with FAKE_K6_* environment variables (see test/_helpers/fake-k6.ts).
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';

const env = process.env;
const argv = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (env.FAKE_K6_ARGS_FILE) {
  const keep = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('K6_')));
  writeFileSync(env.FAKE_K6_ARGS_FILE, JSON.stringify({ argv, env: keep, cwd: process.cwd() }));
}

if (argv[0] === 'version' || argv[0] === '--version') {
  const file = env.FAKE_K6_VERSION;
  const text = file
    ? readFileSync(file, 'utf8')
    : '{"version":"v2.2.0","go_version":"go1.25.1","go_os":"linux","go_arch":"amd64"}';
  const isJson = text.trimStart().startsWith('{');
  if (argv.includes('--json')) {
    if (!isJson) {
      process.stderr.write('Error: unknown flag: --json\n');
      process.exit(255);
    }
    process.stdout.write(text);
    process.exit(0);
  }
  if (isJson) {
    const v = JSON.parse(text);
    let out = `k6 ${v.version} (commit/${v.commit ?? '0000000000'}, ${v.go_version}, ${v.go_os}/${v.go_arch})\n`;
    if (v.extensions?.length) {
      out += 'Extensions:\n';
      for (const e of v.extensions) for (const i of e.imports ?? []) out += `  ${e.module} ${e.version}, ${i} [js]\n`;
    }
    process.stdout.write(out);
  } else process.stdout.write(text);
  process.exit(0);
}

if (argv[0] !== 'run') {
  process.stderr.write(`Error: unknown command "${argv[0]}" for "k6"\n`);
  process.exit(255);
}

// --- run: parse the flags drillproof passes ---------------------------------------------------
let outFile;
let address;
let summaryExport;
const scriptEnv = {};
let script;
for (let i = 1; i < argv.length; i++) {
  const a = argv[i];
  const next = () => argv[++i];
  if (a === '--out' || a === '-o') {
    const v = next();
    if (!v.startsWith('json=')) fail(104, `unsupported output ${v}`);
    outFile = v.slice(5);
  } else if (a.startsWith('--out=')) outFile = a.slice('--out=json='.length);
  else if (a === '--address' || a === '-a') address = next();
  else if (a === '--summary-export') summaryExport = next();
  else if (a.startsWith('--summary-export=')) summaryExport = a.slice('--summary-export='.length);
  else if (a === '-e' || a === '--env') {
    const [k, ...rest] = next().split('=');
    scriptEnv[k] = rest.join('=');
  } else if (a === '--log-format') next();
  else if (['--quiet', '-q', '--no-color'].includes(a)) {
    // accepted, no effect
  } else if (a.startsWith('-')) fail(255, `unknown flag: ${a}`);
  else script = a;
}

function fail(code, msg) {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg })}\n`);
  process.exit(code);
}

if (!script || !existsSync(script)) fail(107, `The moduleSpecifier "${script}" couldn't be found on local disk.`);
if (!outFile) fail(104, 'no --out json= given');
if (env.FAKE_K6_EXIT_AT_START) process.exit(Number(env.FAKE_K6_EXIT_AT_START));

const ignore = (env.FAKE_K6_IGNORE_STOP ?? '').split(',');
let stopped = false;
let exitCode = Number(env.FAKE_K6_EXIT ?? 0);
let status = 7;
let signals = 0;
let wake = () => {};

function requestStop(code) {
  if (stopped) return;
  stopped = true;
  exitCode = code;
  status = 10;
  wake();
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    signals++;
    if (ignore.includes('sigterm')) return;
    if (signals > 1) process.exit(105); // k6: a second signal exits at once
    requestStop(105);
  });
}

const statusBody = (isStopped, st) =>
  JSON.stringify({
    data: {
      type: 'status',
      id: 'default',
      attributes: {
        status: st,
        paused: false,
        vus: 1,
        'vus-max': 10,
        stopped: isStopped,
        running: !isStopped,
        tainted: false,
      },
    },
  });

let server;
if (address) {
  const [host, port] = address.split(':');
  if (host !== '127.0.0.1') fail(106, `refusing to bind ${host}`);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== '/v1/status') {
        res.writeHead(404).end();
        return;
      }
      if (req.method === 'PATCH') {
        const attrs = JSON.parse(body || '{}')?.data?.attributes ?? {};
        if ('vus' in attrs || 'vus-max' in attrs) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"errors":[{"detail":"live VU configuration updates are not supported"}]}');
          return;
        }
        if (attrs.stopped === true && !ignore.includes('rest')) {
          // Like k6: answer first (stopped: true), then wind down (summary, exit 103).
          const out = statusBody(true, 10);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(out, () => requestStop(103));
          return;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(statusBody(stopped, status));
    });
  });
  await new Promise((r, j) => server.listen(Number(port), host, r).once('error', j)).catch(() =>
    fail(106, `listen tcp ${address}: bind: address already in use`),
  );
}

// --- replay the fixture ------------------------------------------------------------------------
const lines = env.FAKE_K6_FIXTURE ? readFileSync(env.FAKE_K6_FIXTURE, 'utf8').split('\n').filter(Boolean) : [];
let shift = 0;
if (env.FAKE_K6_REBASE) {
  const first = lines.map((l) => JSON.parse(l)).find((o) => o.type === 'Point');
  if (first) shift = Number(env.FAKE_K6_REBASE_TO ?? Date.now()) - Date.parse(first.data.time);
}
const fd = openSync(outFile, 'w');
const batch = Number(env.FAKE_K6_BATCH ?? 40);
const pause = Number(env.FAKE_K6_LINE_MS ?? 5);
for (let i = 0; i < lines.length && !stopped; i++) {
  let line = lines[i];
  if (shift) {
    const o = JSON.parse(line);
    if (o.type === 'Point') o.data.time = new Date(Date.parse(o.data.time) + shift).toISOString();
    line = JSON.stringify(o);
  }
  if ((i + 1) % batch === 0) {
    // A reader polling now sees half a line: it must keep it until the rest arrives.
    const cut = Math.floor(line.length / 2);
    writeSync(fd, line.slice(0, cut));
    await sleep(pause * 4);
    writeSync(fd, `${line.slice(cut)}\n`);
    await sleep(pause);
  } else writeSync(fd, `${line}\n`);
}
if (env.FAKE_K6_HOLD && !stopped) await new Promise((r) => (wake = r));
closeSync(fd);

// --- end of test: summary, then exit ----------------------------------------------------------
const summaryTarget = scriptEnv.DRILLPROOF_SUMMARY_PATH ?? summaryExport;
if (summaryTarget && env.FAKE_K6_SUMMARY) writeFileSync(summaryTarget, readFileSync(env.FAKE_K6_SUMMARY));
if (env.FAKE_K6_STDERR) process.stderr.write(`${env.FAKE_K6_STDERR}\n`);
server?.close();
process.exit(exitCode);
