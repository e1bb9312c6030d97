import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { formatHeadline, headlineOf } from '../../src/reports/headline.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { renderMarkdown } from '../../src/reports/render-markdown.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import type { RtoResult } from '../../src/run/measurements.js';
import type { RunRecord } from '../../src/run/record.js';
import { FIXTURE_RUNS } from '../_helpers/evidence.js';

/** The probe saw no failed sample after the fault: an RTO of 0 s by the measurement rules. */
function noOutage(rto: RtoResult, intervalSeconds: number): RtoResult {
  return {
    ...rto,
    // Without an outage there is no failure spacing: the resolution is the probe interval.
    resolutionSeconds: intervalSeconds,
    seconds: 0,
    noOutage: true,
    failedTimeSeconds: 0,
    flaps: 0,
    detectedAt: null,
    detectedAtMs: null,
    timeToDetectSeconds: null,
    outageDurationSeconds: null,
    recoveredAt: rto.detectedAt,
  } as RtoResult;
}

async function fixture() {
  return loadRunDir(join(FIXTURE_RUNS, 'ec2-stop-passed'));
}

/** The passed fixture turned into a run whose probes saw nothing, for the reason given. */
function unproven(record: RunRecord, change: Partial<RunRecord>, outage = false): RunRecord {
  const m = record.measurements;
  const web = m.probes.web;
  if (!m.rto || !web?.rto) throw new Error('fixture has no RTO');
  return {
    ...record,
    verdict: 'inconclusive',
    exitCode: 7,
    measurements: outage
      ? m
      : {
          ...m,
          rto: noOutage(m.rto, web.intervalMs / 1000),
          probes: { ...m.probes, web: { ...web, rto: noOutage(web.rto, web.intervalMs / 1000) } },
        },
    ...change,
  };
}

function rendered(record: RunRecord, journal: Parameters<typeof buildEvidence>[1]) {
  const ev = buildEvidence(record, journal);
  return {
    console: formatHeadline(headlineOf(record, '/runs/r1')),
    md: renderMarkdown(ev),
    html: renderHtml(ev, []),
  };
}

describe('reports of a run that proves nothing about its fault', () => {
  it('a faulted resource no probe exercised: "no probe exercised <resource>", never RTO 0s', async () => {
    const r = await fixture();
    const rec = unproven(r.record, {
      coverage: { affected: ['web-servers'], unexercised: ['web-servers'] },
      reason: 'no probe exercised web-servers',
    });
    const out = rendered(rec, r.journal);
    expect(out.console).toBe(
      'INCONCLUSIVE ec2-instance-stop: no probe exercised web-servers · RPO 0s · objectives 4/4 met · exit 7 → /runs/r1',
    );
    for (const [where, text] of Object.entries(out)) {
      expect(text, where).not.toMatch(/RTO 0s|>0s<\/div><div class="l">RTO/);
      expect(text, where).toMatch(/no probe exercised web-servers/i);
    }
    expect(out.md).toContain('**No probe exercised web-servers**');
    expect(out.md).toContain(
      '- No failed sample after the fault, which shows nothing: no probe exercised web-servers.',
    );
    expect(out.html).toContain('<div class="v bad">No probe exercised web-servers</div>');
  });

  it('a fault AWS did not confirm: "fault not confirmed"', async () => {
    const r = await fixture();
    const fault = r.record.faults[0];
    if (!fault) throw new Error('fixture has no fault');
    const rec = unproven(r.record, {
      faults: [
        {
          ...fault,
          confirmation: { status: 'not-confirmed', detail: 'i-0a still running', answers: [], at: null, checks: 3 },
        },
      ],
      reason: 'fault stop-one not confirmed: i-0a still running',
    });
    const out = rendered(rec, r.journal);
    expect(out.console).toBe(
      'INCONCLUSIVE ec2-instance-stop: fault not confirmed (stop-one) · RPO 0s · objectives 4/4 met · exit 7 (fault stop-one not confirmed: i-0a still running) → /runs/r1',
    );
    expect(out.md).toContain('**Fault not confirmed (stop-one)**');
    expect(out.html).toContain('Fault not confirmed (stop-one)');
    for (const text of Object.values(out)) expect(text).not.toMatch(/RTO 0s/);
  });

  it('an outage the probes did see stays as measured; a proven run without outage says RTO 0s', async () => {
    const r = await fixture();
    const seen = unproven(r.record, { coverage: { affected: ['db', 'web-servers'], unexercised: ['db'] } }, true);
    const out = rendered(seen, r.journal);
    expect(out.console).toMatch(/^INCONCLUSIVE ec2-instance-stop: RTO 11\.75s \(±0\.1s\)/);
    expect(out.md).toContain('**RTO 11.75s**');

    const proven = unproven(r.record, {
      verdict: 'passed',
      exitCode: 0,
      coverage: { affected: ['w'], unexercised: [] },
    });
    const ok = rendered(proven, r.journal);
    expect(ok.console).toMatch(/^PASSED ec2-instance-stop: RTO 0s \(±0\.05s\)/);
    expect(ok.md).toContain('- No failed sample after the fault (RTO 0s).');
    expect(ok.html).toContain('No failed sample after the fault: RTO 0s.');
  });
});
