// Generates the hand-made run directories in this folder (node make-fixtures.mjs). The numbers in
// each measurements.json / run.json are computed here from the samples written, with the
// definitions of docs (nearest-rank percentiles, failures at T, RTO = R - F with window W), so
// the evidence tests check rendering against independently computed values. F is when AWS
// accepted the first fault call (its fault.acknowledged); the call was issued a little before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const iso = (ms) => new Date(Math.round(ms)).toISOString();
// Boundary texts are truncated to the millisecond (never later than the exact value).
const isoFloor = (ms) => new Date(Math.floor(ms)).toISOString();
const r3 = (x) => Math.round(x * 1000) / 1000;

function nearestRank(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[idx];
}

function phaseStats(samples, timeoutMs, startMs, endMs) {
  const s = samples.filter((x) => x.scheduled >= startMs && x.scheduled < endMs);
  const okLat = s.filter((x) => x.ok).map((x) => x.latencyMs).sort((a, b) => a - b);
  const allLat = s.map((x) => (x.ok ? x.latencyMs : timeoutMs)).sort((a, b) => a - b);
  const ok = okLat.length;
  return {
    startMs: s.length ? startMs : null,
    endMs: s.length ? endMs : null,
    scheduled: s.length,
    ok,
    failed: s.length - ok,
    availability: s.length ? ok / s.length : null,
    p50Ms: nearestRank(okLat, 50),
    p95Ms: nearestRank(okLat, 95),
    p99Ms: nearestRank(okLat, 99),
    maxMs: okLat.length ? okLat[okLat.length - 1] : null,
    p50WithFailuresMs: nearestRank(allLat, 50),
    p95WithFailuresMs: nearestRank(allLat, 95),
    p99WithFailuresMs: nearestRank(allLat, 99),
    maxWithFailuresMs: allLat.length ? allLat[allLat.length - 1] : null,
  };
}

function rtoOf(name, samples, intervalMs, F, windowMs) {
  const after = samples.filter((x) => x.scheduled >= F);
  const firstFail = after.find((x) => !x.ok);
  const failed = after.filter((x) => !x.ok);
  let flaps = 0;
  let prevOk = true;
  for (const x of after) {
    if (!x.ok && prevOk) flaps++;
    prevOk = x.ok;
  }
  const base = {
    probe: name,
    resolutionSeconds: intervalMs / 1000,
    failedTimeSeconds: r3((failed.length * intervalMs) / 1000),
    flaps,
    windowSeconds: windowMs / 1000,
  };
  if (!firstFail)
    return { ...base, seconds: 0, noOutage: true, detectedAt: null, detectedAtMs: null, recoveredAt: null, recoveredAtMs: null, timeToDetectSeconds: null, outageDurationSeconds: 0 };
  const end = samples[samples.length - 1].scheduled;
  let R = null;
  for (const x of after) {
    if (x.scheduled <= firstFail.scheduled || !x.ok) continue;
    if (x.scheduled + windowMs > end + intervalMs) break;
    const win = after.filter((y) => y.scheduled >= x.scheduled && y.scheduled < x.scheduled + windowMs);
    if (win.every((y) => y.ok)) {
      R = x.scheduled;
      break;
    }
  }
  // Resolution: Δ, or the median gap (the smaller middle one) between the last five failures before R.
  let resolutionSeconds = base.resolutionSeconds;
  if (R !== null) {
    const last = failed.filter((y) => y.scheduled < R).slice(-5).map((y) => y.scheduled);
    const gaps = last.slice(1).map((t, j) => t - last[j]).sort((a, b) => a - b);
    if (gaps.length) resolutionSeconds = Math.max(intervalMs, gaps[Math.ceil(gaps.length / 2) - 1]) / 1000;
  }
  return {
    ...base,
    resolutionSeconds,
    seconds: R === null ? null : r3((R - F) / 1000),
    noOutage: false,
    detectedAt: isoFloor(firstFail.scheduled),
    detectedAtMs: firstFail.scheduled,
    recoveredAt: R === null ? null : isoFloor(R),
    recoveredAtMs: R,
    timeToDetectSeconds: r3((firstFail.scheduled - F) / 1000),
    outageDurationSeconds: R === null ? null : r3((R - firstFail.scheduled) / 1000),
    R,
  };
}

function probeMeasurements(name, kind, samples, intervalMs, timeoutMs, F, windowMs) {
  const rto = rtoOf(name, samples, intervalMs, F, windowMs);
  const start = samples[0].scheduled;
  const end = samples[samples.length - 1].scheduled + intervalMs;
  // No outage: the fault phase is empty and recovery starts at F (as the measurement core does).
  const R = rto.noOutage ? F : (rto.R ?? end);
  const { R: _r, ...rtoOut } = rto;
  return {
    name,
    kind,
    intervalMs,
    timeoutMs,
    rto: rtoOut,
    split: { startMs: start, faultMs: F, recoveredMs: rto.noOutage ? F : rto.R, endMs: end },
    phases: {
      baseline: phaseStats(samples, timeoutMs, start, F),
      fault: phaseStats(samples, timeoutMs, F, R),
      recovery: phaseStats(samples, timeoutMs, R, end),
      all: phaseStats(samples, timeoutMs, start, end),
    },
  };
}

function objective(name, description, comparator, targetValue, unit, measured, targetText) {
  const ok =
    measured !== null &&
    (comparator === '<=' ? measured <= targetValue : comparator === '>=' ? measured >= targetValue : comparator === '<' ? measured < targetValue : measured > targetValue);
  return { name, description, target: targetText, targetValue, comparator, unit, measured, ok, ...(measured === null ? { reason: 'not recovered before the observe timeout' } : {}) };
}

function write(dir, name, text) {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
}

/** One drill: web probe (http), heartbeat probe (postgres), journal, record. */
function makeRun(o) {
  const dir = join(here, o.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'samples'), { recursive: true });
  const rand = rng(o.seed);
  const t0 = o.t0;
  const F = t0 + o.baselineMs;
  const end = F + o.observeMs;
  const webI = 50;
  const webT = 2000;
  const backends = o.backends;
  const web = [];
  for (let i = 0, t = t0; t < end; i++, t = t0 + i * webI) {
    const rel = t - F;
    const backend = backends[i % backends.length];
    let s;
    const fail = o.webFails(rel, backend, rand);
    if (fail) {
      s = { probe: 'web', seq: i, scheduled: t, ok: false, latencyMs: fail.error === 'timeout' ? webT : r3(fail.ms), serviceMs: fail.error === 'timeout' ? null : r3(fail.ms), status: fail.status ?? null, error: fail.error, backend: fail.status ? null : backend };
    } else {
      const lat = r3(12 + rand() * 10 + (rand() < 0.02 ? rand() * 180 : 0) + o.extraLatency(rel, rand));
      s = { probe: 'web', seq: i, scheduled: t, ok: true, latencyMs: lat, serviceMs: r3(lat - rand() * 0.4), status: 200, error: null, backend };
    }
    web.push(s);
  }
  const hbI = 200;
  const hbT = 2000;
  const hb = [];
  const lost = new Set();
  for (let i = 0, t = t0; t < end; i++, t = t0 + i * hbI) {
    const rel = t - F;
    const st = o.hbState(rel, rand);
    const lat = st.ok ? r3(2 + rand() * 3) : st.error === 'timeout' ? hbT : r3(5 + rand() * 20);
    const sample = { probe: 'heartbeat', seq: i, scheduled: t, ok: st.ok, latencyMs: lat, serviceMs: st.error === 'timeout' ? null : lat, status: null, error: st.ok ? null : st.error, write: { outcome: st.ok ? 'acknowledged' : 'indeterminate', sentAt: r3(t + 0.2) } };
    if (st.detail) sample.detail = st.detail;
    if (st.ok && st.lost) lost.add(i);
    hb.push(sample);
  }
  const header = (probe, kind, intervalMs, timeoutMs) => ({ type: 'header', formatVersion: 1, probe, kind, intervalMs, timeoutMs, t0, clock: { source: o.clockSource, driftMs: 0.4 } });
  write(dir, 'samples/web.ndjson', [header('web', 'http', webI, webT), ...web].map((x) => JSON.stringify(x)).join('\n') + '\n');
  write(dir, 'samples/heartbeat.ndjson', [header('heartbeat', 'postgres-heartbeat', hbI, hbT), ...hb].map((x) => JSON.stringify(x)).join('\n') + '\n');
  const readBack = hb.filter((x) => x.write.outcome === 'acknowledged' && !lost.has(x.seq)).concat(hb.filter((x) => x.write.outcome === 'indeterminate' && x.seq % 3 === 0));
  readBack.sort((a, b) => a.seq - b.seq);
  write(dir, 'samples/heartbeat.readback.json', JSON.stringify({ probe: 'heartbeat', runId: o.runId, readAt: end + 2000, source: `${o.dbHost}:5432/shop`, seqs: readBack.map((x) => x.seq), sentAt: readBack.map((x) => x.write.sentAt) }, null, 2) + '\n');

  const webM = probeMeasurements('web', 'http', web, webI, webT, F, 5000);
  const hbM = probeMeasurements('heartbeat', 'postgres-heartbeat', hb, hbI, hbT, F, 5000);
  const acked = hb.filter((x) => x.write.outcome === 'acknowledged');
  const lostSeqs = [...lost].sort((a, b) => a - b);
  let rpoSeconds = 0;
  if (lostSeqs.length) {
    const lastLost = hb[lostSeqs[lostSeqs.length - 1]];
    const survivorsBefore = acked.filter((x) => !lost.has(x.seq) && x.seq < lostSeqs[0]);
    const lastSurvivor = survivorsBefore[survivorsBefore.length - 1];
    rpoSeconds = r3((lastLost.write.sentAt - lastSurvivor.write.sentAt) / 1000);
  }
  const rpo = {
    probe: 'heartbeat',
    kind: 'failover',
    seconds: rpoSeconds,
    lostWrites: lostSeqs.length,
    acknowledgedWrites: acked.length,
    indeterminateWrites: hb.length - acked.length,
    attemptedWrites: hb.length,
    readBackWrites: readBack.length,
    resolutionSeconds: hbI / 1000,
    lostSeqs,
  };
  const measurements = { schemaVersion: 1, faultAt: iso(F), faultAtMs: F, rto: webM.rto, rpo, probes: { web: webM, heartbeat: hbM } };
  const objectives = [
    objective('rto', 'time to recover, measured by probe web', '<=', 60, 'seconds', webM.rto.seconds, '<= 60s'),
    objective('rpo', 'acknowledged data lost, measured by probe heartbeat', '<=', 0, 'seconds', rpo.seconds, '<= 0s'),
    objective('p95:web:recovery', 'P95 latency of web in the recovery phase (failures counted)', '<=', 800, 'ms', webM.phases.recovery.p95WithFailuresMs, '<= 800ms'),
    objective('availability:web:all', 'availability of web over the whole run', '>=', 0.9, 'ratio', webM.phases.all.availability, '>= 90%'),
  ];
  const allOk = objectives.every((x) => x.ok);
  const scenarioText = o.scenario;
  const sha = createHash('sha256').update(scenarioText).digest('hex');
  write(dir, 'scenario.yaml', scenarioText);

  // Journal.
  const J = [];
  const add = (t, kind, data) => J.push({ seq: J.length, time: iso(t), t: r3(t), kind, data });
  const finishedAt = end + 9000;
  add(t0 - 4000, 'run.started', { runId: o.runId, toolVersion: '0.1.0', scenarioName: o.name, scenarioSha256: sha, target: o.target, clock: { source: o.clockSource, driftMs: 0.4 } });
  add(t0 - 3900, 'phase.started', { phase: 'preflight' });
  add(t0 - 3800, 'aws.call', { service: 'sts', operation: 'GetCallerIdentity', requestId: o.rid(0), ms: 41.2, ok: true, params: {} });
  add(t0 - 3500, 'preflight.check', { check: 'allowed-account', ok: true, detail: `account ${o.account} is allowed` });
  add(t0 - 3000, 'preflight.check', { check: 'probes-steady', ok: true, detail: 'web 100% ok over 3s' });
  add(t0 - 10, 'phase.started', { phase: 'baseline' });
  add(F - 20, 'phase.started', { phase: 'inject' });
  o.journal(add, F, end);
  add(end, 'phase.started', { phase: 'rollback' });
  o.rollback(add, F, end);
  add(end + 8000, 'phase.started', { phase: 'analysis' });
  add(end + 8500, 'phase.started', { phase: 'evidence' });
  add(finishedAt, 'run.finished', { verdict: allOk ? 'passed' : 'failed', exitCode: allOk ? 0 : 4 });
  write(dir, 'journal.ndjson', J.map((x) => JSON.stringify(x)).join('\n') + '\n');
  write(dir, 'measurements.json', JSON.stringify(measurements, null, 2) + '\n');

  const record = {
    runId: o.runId,
    toolVersion: '0.1.0',
    scenario: { name: o.name, path: `scenarios/${o.name}.yaml`, sha256: sha, text: scenarioText, ftrItems: o.ftr },
    target: o.target,
    caller: { account: o.account, arn: o.arn, userId: 'AROAEXAMPLEID:drill' },
    startedAt: iso(t0 - 4000),
    finishedAt: iso(finishedAt),
    clock: { source: o.clockSource, driftMs: 0.4 },
    verdict: allOk ? 'passed' : 'failed',
    exitCode: allOk ? 0 : 4,
    faults: o.faults(F, end),
    measurements,
    objectives,
  };
  write(dir, 'run.json', JSON.stringify(record, null, 2) + '\n');
  return { rto: webM.rto.seconds, rpo: rpo.seconds, ok: allOk };
}

const ec2Scenario = (name) => `# yaml-language-server: $schema=../schema/scenario.schema.json
version: 1
metadata:
  name: ${name}
  description: "Stop one of two web instances behind the ALB; users should see a short blip only."
  owner: sre@example.com
  ftr: [RES-002, RES-004]
target: { provider: lab, region: us-east-1, allowedAccounts: ["000000000000"] }
resources:
  web: { type: ec2-instance, tags: { app: shop }, count: 1, state: running }
probes:
  - { name: web, type: http, url: "\${lab.appUrl}/", rate: 20/s, timeout: 2s, expect: { status: [200] }, backendHeader: x-drillproof-instance }
  - name: heartbeat
    type: postgres-heartbeat
    interval: 200ms
    timeout: 2s
    connection: { host: "\${lab.db.host}", port: 5432, database: shop, user: app, password: { env: PGPASSWORD } }
steps:
  baseline: 30s
  faults:
    - { id: stop-one, type: ec2-stop, resource: web }
  observe: { timeout: 2m, recovery: { probes: [web], hold: 5s } }
objectives:
  rto: 60s
  rpo: 0s
  latency: [ { probe: web, phase: recovery, p95: 800ms } ]
  availability: [ { probe: web, phase: all, min: 90% } ]
`;

const labIds = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function ec2Run(dir, seed, runId, t0, outageMs, extra = {}) {
  return makeRun({
    dir,
    seed,
    runId,
    t0,
    name: 'ec2-instance-stop',
    baselineMs: 30_000,
    observeMs: 70_000,
    clockSource: 'system clock (chrony synchronised, offset 0.4ms)',
    backends: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
    dbHost: '127.0.0.1',
    account: '000000000000',
    arn: 'arn:aws:sts::000000000000:assumed-role/drill-runner/ci',
    target: { provider: 'lab', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' },
    ftr: ['RES-002', 'RES-004'],
    scenario: ec2Scenario('ec2-instance-stop'),
    rid: (n) => labIds(seed * 100 + n),
    webFails: (rel, backend, rand) => {
      // The stopped instance keeps getting half the traffic until the ALB marks it unhealthy.
      if (rel >= 350 && rel < outageMs && backend.endsWith('0001')) return rand() < 0.7 ? { error: 'http_status', status: 502, ms: 3 + rand() * 4 } : { error: 'timeout' };
      return null;
    },
    extraLatency: (rel, rand) => (rel >= 0 && rel < outageMs + 3000 ? rand() * 25 : 0),
    hbState: () => ({ ok: true }),
    journal: (add, F) => {
      add(F - 187, 'inverse.recorded', { stepId: 'stop-one', fault: 'ec2-stop', inverse: { action: 'ec2:StartInstances', params: { InstanceIds: ['i-0a1b2c3d4e5f60001'] } } });
      add(F - 182, 'fault.requested', { stepId: 'stop-one', fault: 'ec2-stop', action: 'ec2:StopInstances', targets: ['i-0a1b2c3d4e5f60001'] });
      add(F - 2, 'aws.call', { service: 'ec2', operation: 'StopInstances', requestId: labIds(seed * 100 + 1), ms: 178.5, ok: true, params: { InstanceIds: ['i-0a1b2c3d4e5f60001'] } });
      add(F, 'fault.acknowledged', { stepId: 'stop-one', requestIds: [labIds(seed * 100 + 1)], response: { currentState: 'stopping' } });
      add(F + 900, 'watch.event', { source: 'ec2', resource: 'i-0a1b2c3d4e5f60001', state: 'stopping' });
      add(F + 2400, 'watch.event', { source: 'elbv2', resource: 'i-0a1b2c3d4e5f60001', state: 'unhealthy', reason: 'Target.FailedHealthChecks' });
      add(F + 4100, 'watch.event', { source: 'ec2', resource: 'i-0a1b2c3d4e5f60001', state: 'stopped' });
      add(F + outageMs - 300, 'watch.event', { source: 'elbv2', resource: 'i-0a1b2c3d4e5f60001', state: 'unused', reason: 'Target.InvalidState' });
      add(F + outageMs + 5100, 'recovery.detected', { probes: ['web'], at: F + outageMs + 100, holdMs: 5000 });
    },
    rollback: (add, F, end) => {
      add(end + 100, 'rollback.started', { stepId: 'stop-one' });
      add(end + 290, 'aws.call', { service: 'ec2', operation: 'StartInstances', requestId: labIds(seed * 100 + 2), ms: 185.1, ok: true, params: { InstanceIds: ['i-0a1b2c3d4e5f60001'] } });
      add(end + 300, 'rollback.succeeded', { stepId: 'stop-one', requestIds: [labIds(seed * 100 + 2)] });
      add(end + 1500, 'watch.event', { source: 'ec2', resource: 'i-0a1b2c3d4e5f60001', state: 'running' });
      add(end + 6500, 'watch.event', { source: 'elbv2', resource: 'i-0a1b2c3d4e5f60001', state: 'healthy' });
    },
    faults: (F, end) => [
      { stepId: 'stop-one', type: 'ec2-stop', action: 'ec2:StopInstances', targets: ['i-0a1b2c3d4e5f60001'], injectedAt: iso(F - 182), acknowledgedAt: iso(F), rolledBackAt: iso(end + 300), rollback: 'succeeded', requestIds: [labIds(seed * 100 + 1), labIds(seed * 100 + 2)] },
    ],
    ...extra,
  });
}

const out = {};
out['ec2-stop-passed'] = ec2Run('ec2-stop-passed', 7, 'run-20261121T101500Z-ec2-stop', Date.parse('2026-11-21T10:15:04.000Z'), 11_800);
out['ec2-stop-equivalent'] = ec2Run('ec2-stop-equivalent', 8, 'run-20261122T061000Z-ec2-stop', Date.parse('2026-11-22T06:10:04.000Z'), 12_100);
out['ec2-stop-slower'] = ec2Run('ec2-stop-slower', 9, 'run-20261122T064000Z-ec2-stop', Date.parse('2026-11-22T06:40:04.000Z'), 38_400);

const azScenario = `version: 1
metadata:
  name: az-impairment-us-east-1a
  description: "Impair us-east-1a for the web tier and fail the database over to us-east-1b."
  owner: sre@example.com
  ftr: [RES-001, RES-002, RES-004]
target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }
resources:
  web: { type: ec2-instance, tags: { app: shop }, az: us-east-1a }
  db: { type: rds-instance, id: shop-db }
probes:
  - { name: web, type: http, url: "https://shop.example.com/health", rate: 20/s, timeout: 2s, expect: { status: [200], bodyContains: ok } }
  - name: heartbeat
    type: postgres-heartbeat
    interval: 200ms
    timeout: 2s
    connection: { host: shop-db.cluster-abc.us-east-1.rds.amazonaws.com, port: 5432, database: shop, user: drill, password: { secretsManager: "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf", key: password } }
steps:
  baseline: 30s
  faults:
    - { id: az-a, type: az-impairment, az: us-east-1a, resources: [web], database: db }
  observe: { timeout: 2m, recovery: { probes: [web], hold: 5s } }
objectives: { rto: 60s, rpo: 0s, latency: [ { probe: web, phase: recovery, p95: 800ms } ], availability: [ { probe: web, phase: all, min: 90% } ] }
guardrails: { requiredTag: { key: drillproof, value: allowed }, maxTargets: 4, confirm: always }
`;
const awsRid = (n) => `${(0x5f3a0000 + n).toString(16)}-1c2d-4e5f-8a9b-${String(n).padStart(12, '0')}`;
out['az-impairment-failed'] = makeRun({
  dir: 'az-impairment-failed',
  seed: 21,
  runId: 'run-20261120T141000Z-az-impairment',
  t0: Date.parse('2026-11-20T14:10:05.000Z'),
  name: 'az-impairment-us-east-1a',
  baselineMs: 30_000,
  observeMs: 80_000,
  clockSource: 'system clock (Amazon Time Sync, chrony offset 0.4ms)',
  backends: ['i-0f5e4d3c2b1a00011', 'i-0f5e4d3c2b1a00012', 'i-0f5e4d3c2b1a00013'],
  dbHost: 'shop-db.cluster-abc.us-east-1.rds.amazonaws.com',
  account: '123456789012',
  arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DrillRunner_0123456789abcdef/alice@example.com',
  target: { provider: 'aws', region: 'us-east-1' },
  ftr: ['RES-001', 'RES-002', 'RES-004'],
  scenario: azScenario,
  rid: awsRid,
  webFails: (rel, backend, rand) => {
    if (rel >= 200 && rel < 6_000 && backend.endsWith('11')) return { error: 'timeout' };
    // The database failover: every request that touches the DB fails until the DNS flip.
    if (rel >= 9_000 && rel < 31_500) return rand() < 0.85 ? { error: 'http_status', status: 500, ms: 20 + rand() * 40 } : null;
    if (rel >= 31_500 && rel < 33_000 && rand() < 0.2) return { error: 'http_status', status: 503, ms: 5 };
    return null;
  },
  extraLatency: (rel, rand) => (rel >= 33_000 && rel < 45_000 ? 60 + rand() * 700 : 0),
  hbState: (rel, rand) => {
    if (rel >= 9_000 && rel < 9_600) return { ok: true, lost: true };
    if (rel >= 9_600 && rel < 31_000)
      return { ok: false, error: rand() < 0.5 ? 'timeout' : 'db_error', detail: 'connection to shop-db.cluster-abc.us-east-1.rds.amazonaws.com:5432 failed: Connection refused' };
    return { ok: true };
  },
  journal: (add, F) => {
    add(F - 246, 'inverse.recorded', { stepId: 'az-a', fault: 'az-impairment', inverse: { action: 'fis:StopExperiment', params: { id: 'EXP7aBcDeFgHiJkLm' } } });
    add(F - 241, 'fault.requested', { stepId: 'az-a', fault: 'az-impairment', action: 'fis:StartExperiment', targets: ['us-east-1a', 'i-0f5e4d3c2b1a00011', 'shop-db'] });
    add(F - 2, 'aws.call', { service: 'fis', operation: 'StartExperiment', requestId: awsRid(1), ms: 236.4, ok: true, params: { experimentTemplateId: 'EXT1a2b3c4d5e6f7', tags: { 'drillproof:run': 'run-20261120T141000Z-az-impairment' } } });
    add(F, 'fault.acknowledged', { stepId: 'az-a', requestIds: [awsRid(1)], response: { experimentId: 'EXP7aBcDeFgHiJkLm', state: 'initiating' } });
    add(F + 1200, 'watch.event', { source: 'fis', resource: 'EXP7aBcDeFgHiJkLm', state: 'running' });
    add(F + 1900, 'watch.event', { source: 'fis', resource: 'EXP7aBcDeFgHiJkLm/stop-instances-az-a', state: 'running', message: 'aws:ec2:stop-instances' });
    add(F + 2100, 'watch.event', { source: 'fis', resource: 'EXP7aBcDeFgHiJkLm/failover-db', state: 'running', message: 'aws:rds:reboot-db-instances (forceFailover)' });
    add(F + 2600, 'watch.event', { source: 'ec2', resource: 'i-0f5e4d3c2b1a00011', state: 'stopping' });
    add(F + 4300, 'watch.event', { source: 'elbv2', resource: 'i-0f5e4d3c2b1a00011', state: 'unhealthy', reason: 'Target.Timeout' });
    add(F + 5800, 'watch.event', { source: 'elbv2', resource: 'i-0f5e4d3c2b1a00011', state: 'unused', reason: 'Target.InvalidState' });
    add(F + 9100, 'watch.event', { source: 'rds', resource: 'shop-db', state: 'rebooting', eventId: 'RDS-EVENT-0013', message: 'Multi-AZ instance failover started.' });
    add(F + 30_900, 'watch.event', { source: 'rds', resource: 'shop-db', state: 'available', eventId: 'RDS-EVENT-0049', message: 'Multi-AZ instance failover completed.' });
    add(F + 31_200, 'watch.event', { source: 'dns', resource: 'shop-db.cluster-abc.us-east-1.rds.amazonaws.com', state: '10.0.2.14' });
    add(F + 38_200, 'recovery.detected', { probes: ['web'], at: F + 33_050, holdMs: 5000 });
    add(F + 62_000, 'watch.event', { source: 'fis', resource: 'EXP7aBcDeFgHiJkLm', state: 'completed' });
  },
  rollback: (add, F, end) => {
    add(end + 100, 'rollback.started', { stepId: 'az-a' });
    add(end + 400, 'aws.call', { service: 'ec2', operation: 'StartInstances', requestId: awsRid(2), ms: 290.2, ok: true, params: { InstanceIds: ['i-0f5e4d3c2b1a00011'] } });
    add(end + 410, 'rollback.succeeded', { stepId: 'az-a', requestIds: [awsRid(2)] });
    add(end + 2000, 'watch.event', { source: 'ec2', resource: 'i-0f5e4d3c2b1a00011', state: 'running' });
    add(end + 7800, 'watch.event', { source: 'elbv2', resource: 'i-0f5e4d3c2b1a00011', state: 'healthy' });
  },
  faults: (F, end) => [
    { stepId: 'az-a', type: 'az-impairment', action: 'fis:StartExperiment (aws:ec2:stop-instances in us-east-1a, aws:rds:reboot-db-instances forceFailover)', targets: ['us-east-1a', 'i-0f5e4d3c2b1a00011', 'shop-db'], injectedAt: iso(F - 241), acknowledgedAt: iso(F), rolledBackAt: iso(end + 410), rollback: 'succeeded', requestIds: [awsRid(1), awsRid(2)] },
  ],
});

// An AWS run of a FIS experiment template that stops every tagged web instance in us-east-1a
// (scenarios/aws/fis/stop-instances-in-az.json): drillproof creates the template (the request is
// journalled as sent), starts the experiment, and the web tier recovers on the other AZ.
const fisTemplate = JSON.parse(readFileSync(join(here, '../../../scenarios/aws/fis/stop-instances-in-az.json'), 'utf8'));
const fisRunId = 'run-20261123T091000Z-fis-template';
const fisScenario = `version: 1
metadata:
  name: fis-template
  description: A FIS template stops the web instances in one AZ for five minutes.
  owner: sre@example.com
  ftr: [RES-002, RES-004]
target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }
probes:
  - { name: web, type: http, url: "https://shop.example.com/health", rate: 20/s, timeout: 2s }
  - name: heartbeat
    type: postgres-heartbeat
    interval: 200ms
    timeout: 2s
    connection: { host: shop-db.cluster-abc.us-east-1.rds.amazonaws.com, port: 5432, database: shop, user: drill, password: { env: PGPASSWORD } }
steps:
  baseline: 30s
  faults:
    - { id: stop-web-in-az, type: fis-experiment, templateFile: fis/stop-instances-in-az.json }
  observe: { timeout: 2m, recovery: { probes: [web], hold: 5s } }
objectives: { rto: 60s, rpo: 0s, latency: [ { probe: web, phase: recovery, p95: 800ms } ], availability: [ { probe: web, phase: all, min: 90% } ] }
`;
out['fis-az-aws-passed'] = ec2Run('fis-az-aws-passed', 31, fisRunId, Date.parse('2026-11-23T09:10:05.000Z'), 9_400, {
  name: 'fis-template',
  backends: ['i-0f5e4d3c2b1a00011', 'i-0f5e4d3c2b1a00021'],
  dbHost: 'shop-db.cluster-abc.us-east-1.rds.amazonaws.com',
  account: '123456789012',
  arn: 'arn:aws:sts::123456789012:assumed-role/drill-runner/ci',
  target: { provider: 'aws', region: 'us-east-1' },
  scenario: fisScenario,
  rid: awsRid,
  webFails: (rel, backend, rand) => {
    // The stopped instance in us-east-1a keeps half the traffic until the ALB marks it unhealthy.
    if (rel >= 600 && rel < 9_400 && backend.endsWith('11')) return rand() < 0.6 ? { error: 'http_status', status: 502, ms: 3 + rand() * 4 } : { error: 'timeout' };
    return null;
  },
  journal: (add, F) => {
    add(F - 400, 'note', { message: 'setup for stop-web-in-az', stepId: 'stop-web-in-az' });
    add(F - 300, 'aws.call', { service: 'fis', operation: 'CreateExperimentTemplate', requestId: awsRid(11), ms: 201.7, ok: true, params: { clientToken: `${fisRunId}-stop-web-in-az-tpl`.slice(0, 64), ...fisTemplate, tags: { ...fisTemplate.tags, 'drillproof:run': fisRunId, 'drillproof:step': 'stop-web-in-az' } } });
    add(F - 236, 'inverse.recorded', { stepId: 'stop-web-in-az', fault: 'fis-experiment', inverse: { action: 'fis.stop-experiment', params: { runId: fisRunId, stepId: 'stop-web-in-az' } } });
    add(F - 231, 'fault.requested', { stepId: 'stop-web-in-az', fault: 'fis-experiment', action: 'fis:StartExperiment', targets: ['EXT9zYxWvUtSrQp'] });
    add(F - 2, 'aws.call', { service: 'fis', operation: 'StartExperiment', requestId: awsRid(12), ms: 228.3, ok: true, params: { experimentTemplateId: 'EXT9zYxWvUtSrQp', clientToken: `${fisRunId}-stop-web-in-az`, tags: { 'drillproof:run': fisRunId, 'drillproof:step': 'stop-web-in-az' } } });
    add(F, 'fault.acknowledged', { stepId: 'stop-web-in-az', requestIds: [awsRid(12)], response: { experimentId: 'EXPa1b2c3d4e5f6g7', status: 'initiating' } });
    add(F + 1100, 'watch.event', { source: 'fis', resource: 'EXPa1b2c3d4e5f6g7', state: 'running' });
    add(F + 1500, 'watch.event', { source: 'fis', resource: 'EXPa1b2c3d4e5f6g7/stop-web-in-az', state: 'running' });
    add(F + 2100, 'watch.event', { source: 'ec2', resource: 'i-0f5e4d3c2b1a00011', state: 'stopping' });
    add(F + 3900, 'watch.event', { source: 'elbv2', resource: 'i-0f5e4d3c2b1a00011', state: 'unhealthy', reason: 'Target.Timeout' });
    add(F + 9_100, 'watch.event', { source: 'elbv2', resource: 'i-0f5e4d3c2b1a00011', state: 'unused', reason: 'Target.InvalidState' });
    add(F + 14_600, 'recovery.detected', { probes: ['web'], at: F + 9_450, holdMs: 5000 });
  },
  rollback: (add, F, end) => {
    add(end + 100, 'rollback.started', { stepId: 'stop-web-in-az' });
    add(end + 350, 'aws.call', { service: 'fis', operation: 'StopExperiment', requestId: awsRid(13), ms: 240.1, ok: true, params: { id: 'EXPa1b2c3d4e5f6g7' } });
    add(end + 360, 'rollback.succeeded', { stepId: 'stop-web-in-az', requestIds: [awsRid(13)] });
    add(end + 900, 'aws.call', { service: 'fis', operation: 'DeleteExperimentTemplate', requestId: awsRid(14), ms: 120.4, ok: true, params: { id: 'EXT9zYxWvUtSrQp' } });
  },
  faults: (F, end) => [
    { stepId: 'stop-web-in-az', type: 'fis-experiment', action: 'fis:StartExperiment', targets: ['EXT9zYxWvUtSrQp'], injectedAt: iso(F - 231), acknowledgedAt: iso(F), rolledBackAt: iso(end + 360), rollback: 'succeeded', requestIds: [awsRid(11), awsRid(12), awsRid(13)] },
  ],
});

writeFileSync(join(here, 'expected.json'), JSON.stringify(out, null, 2) + '\n');
console.log(out);
