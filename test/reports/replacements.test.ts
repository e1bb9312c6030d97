import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { evidenceSchema } from '../../src/reports/evidence-schema.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { renderMarkdown } from '../../src/reports/render-markdown.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { replacementsFromJournal, type ServiceReplacement } from '../../src/run/replacements.js';
import { FIXTURE_RUNS } from '../_helpers/evidence.js';

const replacement: ServiceReplacement = {
  stepId: 'stop-half',
  service: 'lab-api',
  seconds: 7.087,
  desiredCount: 4,
  stopped: [
    { task: 'aaaa1111', az: 'lab-1a' },
    { task: 'bbbb2222', az: 'lab-1b' },
  ],
  replacements: [
    { task: 'cccc3333', az: 'lab-1c', ip: '10.0.3.7' },
    { task: 'dddd4444', az: 'lab-1b', ip: '10.0.2.9' },
  ],
};

/** The `note` entry the observe phase journals when a task stop's follow-up resolves. */
function followUpNote(seq: number, r: unknown): JournalEntry {
  return {
    seq,
    time: '2026-01-01T00:00:10.000Z',
    t: 1_767_225_610_000,
    kind: 'note',
    data: {
      message: 'stop-half: back',
      stepId: 'stop-half',
      followUp: { ok: true, detail: 'back', data: { replacement: r } },
    },
  };
}

describe('ECS replacement time in the run record and the reports', () => {
  it('reads the follow-ups from the journal and ignores other notes', () => {
    const journal = [
      followUpNote(0, replacement),
      followUpNote(1, { stepId: 'x' }), // not a replacement: no service, no seconds
      { ...followUpNote(2, undefined), data: { message: 'plain note' } },
    ];
    expect(replacementsFromJournal(journal)).toEqual([replacement]);
    expect(replacementsFromJournal([])).toEqual([]);
  });

  it('puts the replacement time next to the RTO in report.md and report.html, with the AZs', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'ec2-stop-passed'));
    const ev = buildEvidence({ ...run.record, replacements: [replacement] }, run.journal);
    expect(ev.replacements).toEqual([replacement]);
    const md = renderMarkdown(ev);
    const headline = md.split('\n').find((l) => l.startsWith('**RTO'));
    // The headline line: RTO (and RPO), then the service side, then the objectives.
    expect(headline).toBe(
      `**RTO ${ev.headline.rto?.text}** · **RPO ${ev.headline.rpo?.text}** · service lab-api back at 4 healthy tasks 7.087s after F · ${ev.headline.objectivesMet} of ${ev.headline.objectivesTotal} objectives met`,
    );
    expect(md).toContain(
      '| `stop-half` | lab-api | 7.087s after F | aaaa1111 (lab-1a), bbbb2222 (lab-1b) | cccc3333 (lab-1c), dddd4444 (lab-1b) |',
    );
    const html = renderHtml(ev, []);
    expect(html).toContain('<div class="v ">7.087s</div><div class="l">lab-api replaced');
    expect(html).toMatch(/<table id="replacements">.*cccc3333 \(lab-1c\), dddd4444 \(lab-1b\)/s);
  });

  it('falls back to the journal for records written without them; nothing when no task was stopped', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'ec2-stop-passed'));
    const plain = buildEvidence(run.record, run.journal);
    expect(plain.replacements).toEqual([]);
    expect(renderMarkdown(plain)).not.toContain('Service recovery');
    expect(renderHtml(plain, [])).not.toContain('id="replacements"');
    const fromJournal = buildEvidence(run.record, [...run.journal, followUpNote(run.journal.length, replacement)]);
    expect(fromJournal.replacements).toEqual([replacement]);
    // An evidence.json written before the field existed still parses (as no replacements).
    const { replacements: _, ...older } = plain;
    expect(evidenceSchema.parse(older).replacements).toEqual([]);
  });
});
