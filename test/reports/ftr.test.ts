import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { renderMarkdown } from '../../src/reports/render-markdown.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import type { RunRecord } from '../../src/run/record.js';
import { FIXTURE_RUNS, type FixtureRun } from '../_helpers/evidence.js';

const REHEARSED = 'REHEARSED (local lab, not FTR evidence)';

async function run(name: FixtureRun) {
  return loadRunDir(join(FIXTURE_RUNS, name));
}

/** The lab fixture as if it had run against AWS account 123456789012 (allowed by its scenario). */
function onAws(record: RunRecord, account = '123456789012'): RunRecord {
  return {
    ...record,
    target: { provider: 'aws', region: 'us-east-1' },
    caller: { account, arn: `arn:aws:sts::${account}:assumed-role/drill-runner/ci` },
    scenario: {
      ...record.scenario,
      text: record.scenario.text.replace(
        'target: { provider: lab, region: us-east-1, allowedAccounts: ["000000000000"] }',
        'target: { provider: aws, region: us-east-1, allowedAccounts: ["123456789012"] }',
      ),
    },
  };
}

const statuses = (ev: ReturnType<typeof buildEvidence>) =>
  Object.fromEntries(ev.ftr.items.map((i) => [i.id, i.status]));

describe('FTR section: what a run is evidence of', () => {
  it('a lab run is a rehearsal: REHEARSED for every item and no value to enter, in every report', async () => {
    const r = await run('ec2-stop-passed');
    const ev = buildEvidence(r.record, r.journal);
    expect(ev.ftr.evidence.mode).toBe('rehearsal');
    expect(ev.ftr.worksheet).toBeNull();
    expect(ev.ftr.items).toHaveLength(4);
    for (const i of ev.ftr.items) {
      expect(i.status, i.id).toBe('rehearsed');
      expect(i.enter, i.id).toBeNull();
      expect(i.missing[0], i.id).toMatch(/a local lab run is a rehearsal, not FTR evidence/);
    }
    // What the rehearsal measured is still shown.
    expect(ev.ftr.items.find((i) => i.id === 'RES-002')?.supports.join(' ')).toContain('measured RTO 11.75s');

    const html = renderHtml(ev, []);
    const rows = [...html.matchAll(/<tr data-ftr="([A-Z0-9-]+)" data-status="([a-z-]+)">.*?<\/tr>/gs)];
    expect(rows.map((m) => m[1])).toEqual(['RES-001', 'RES-002', 'RES-004', 'BAR-002']);
    for (const m of rows) {
      expect(m[0]).toContain(REHEARSED);
      expect(m[0]).not.toMatch(/>(MET|NOT MET)</);
      // The "enter" column is empty.
      expect(m[0]).toMatch(/<\/ul><\/td><td>–<\/td>|<td>–<\/td><td>–<\/td>/);
    }
    expect(html).not.toContain('Values for the Partner Response');
    const md = renderMarkdown(ev);
    const mdRows = md.split('\n').filter((l) => /^\| (RES|BAR)-\d{3} /.test(l));
    expect(mdRows).toHaveLength(4);
    for (const l of mdRows) expect(l).toContain(`| ${REHEARSED} | – |`);
    expect(md).not.toContain('Self-assessment values');
  });

  it('the same run against AWS in an allowed account is judged MET / NOT MET with values to enter', async () => {
    const r = await run('ec2-stop-passed');
    const ev = buildEvidence(onAws(r.record), r.journal);
    expect(ev.ftr.evidence).toMatchObject({ mode: 'aws', account: '123456789012' });
    expect(statuses(ev)).toEqual({
      'RES-001': 'met',
      'RES-002': 'met',
      'RES-004': 'not-met',
      'BAR-002': 'not-covered',
    });
    expect(ev.ftr.worksheet).toMatchObject({
      rto: '11.75s',
      rpo: '0s',
      lastTestDate: '2026-11-21',
      azImpairmentCovered: false,
    });
    const byId = Object.fromEntries(ev.ftr.items.map((i) => [i.id, i]));
    expect(byId['RES-002']?.enter).toBe('RTO 60s (measured 11.75s on 2026-11-21)');
    expect(byId['RES-004']?.missing.join(' ')).toContain(
      'fault stop-one (ec2-stop) does not impair an Availability Zone',
    );
    const html = renderHtml(ev, []);
    expect(html).toContain('<span class="pill met">MET</span>');
    expect(html).toContain('<span class="pill not-met">NOT MET</span>');
    expect(html).toContain('Values for the Partner Response');
    expect(html).not.toContain(REHEARSED);
  });

  it('an AWS run in an account the scenario does not allow, or without a caller identity, is not evidence', async () => {
    const r = await run('ec2-stop-passed');
    const other = buildEvidence(onAws(r.record, '999999999999'), r.journal);
    expect(other.ftr.evidence.mode).toBe('unattributed');
    expect(other.ftr.evidence.summary).toContain('account 999999999999 is not in');
    expect(other.ftr.worksheet).toBeNull();
    expect(new Set(other.ftr.items.map((i) => i.status))).toEqual(new Set(['not-covered']));
    expect(other.ftr.items.every((i) => i.enter === null)).toBe(true);
    const anonymous = buildEvidence({ ...onAws(r.record), caller: null }, r.journal);
    expect(anonymous.ftr.evidence.summary).toContain('no caller identity');
    // provider aws pointed at something that is not AWS (an emulator): not evidence either.
    const emulated = onAws(r.record);
    const local = buildEvidence(
      { ...emulated, target: { ...emulated.target, endpoint: 'http://127.0.0.1:4566' } },
      r.journal,
    );
    expect(local.ftr.evidence).toMatchObject({ mode: 'unattributed' });
    expect(local.ftr.evidence.summary).toContain('http://127.0.0.1:4566, which is not an AWS endpoint');
    const vpce = { ...emulated.target, endpoint: 'https://vpce-0a1b2c3d-4e5f.ec2.us-east-1.vpce.amazonaws.com' };
    expect(buildEvidence({ ...emulated, target: vpce }, r.journal).ftr.evidence.mode).toBe('aws');
  });

  it('credits RES-004 for drillproof az-impairment and names the rule', async () => {
    const r = await run('az-impairment-failed');
    const ev = buildEvidence(r.record, r.journal);
    expect(ev.ftr.evidence.mode).toBe('aws');
    expect(ev.ftr.azImpairment).toMatchObject({ covered: true, rule: 'az-impairment-fault', stepId: 'az-a' });
    expect(ev.ftr.azImpairment.detail).toBe('fault az-a (az-impairment) impaired us-east-1a');
    // The run failed its RPO objective: not met, with expected vs actual, and nothing to enter for RES-004.
    expect(statuses(ev)).toMatchObject({ 'RES-001': 'not-met', 'RES-002': 'met', 'RES-004': 'not-met' });
    const byId = Object.fromEntries(ev.ftr.items.map((i) => [i.id, i]));
    expect(byId['RES-001']?.missing).toContain('meet the RPO objective (expected <= 0s, actual 0.6s)');
    expect(byId['RES-004']?.enter).toBeNull();
  });

  it('credits RES-004 for a FIS template that stops every instance in one AZ, from the request sent to AWS', async () => {
    const r = await run('fis-az-aws-passed');
    const ev = buildEvidence(r.record, r.journal);
    expect(statuses(ev)).toMatchObject({ 'RES-002': 'met', 'RES-004': 'met' });
    expect(ev.ftr.azImpairment).toMatchObject({ covered: true, rule: 'fis-targets-in-az', stepId: 'stop-web-in-az' });
    expect(ev.ftr.items.find((i) => i.id === 'RES-004')?.enter).toBe(
      'Last resilience test: 2026-11-23 (includes AZ impairment)',
    );
    const html = renderHtml(ev, []);
    expect(html).toMatch(/<p id="ftr-az" data-covered="true" data-rule="fis-targets-in-az">/);
    expect(html).toContain('stop-web-in-az (aws:ec2:stop-instances) acts on every target of web-in-az in us-east-1a');
    expect(renderMarkdown(ev)).toContain('credited by rule `fis-targets-in-az`');

    // Without the journalled template (a template given by id) the scope cannot be judged: not credited.
    const byId = buildEvidence(
      r.record,
      r.journal.filter((e) => (e.data as { operation?: string }).operation !== 'CreateExperimentTemplate'),
    );
    expect(byId.ftr.azImpairment.covered).toBe(false);
    expect(byId.ftr.azImpairment.detail).toContain('its AZ scope cannot be judged');
    expect(statuses(byId)['RES-004']).toBe('not-met');
  });
});
