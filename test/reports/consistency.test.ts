import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Evidence, evidenceSchema } from '../../src/reports/evidence-schema.js';
import { cleanupTempDirs, type FixtureRun, signedPack } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

function htmlDecode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe.each<FixtureRun>(['ec2-stop-passed', 'az-impairment-failed'])('the same numbers everywhere (%s)', (name) => {
  it('report.html, report.md and junit.xml show the expected and actual of evidence.json', async () => {
    const { dir } = await signedPack(name);
    const ev: Evidence = evidenceSchema.parse(JSON.parse(await readFile(join(dir, 'evidence.json'), 'utf8')));
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(ev.objectives.length).toBeGreaterThan(3);
    for (const o of ev.objectives) {
      // HTML: the objective's row, expected and actual cells.
      const row = new RegExp(`<tr data-objective="${o.name}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
      const cell = (col: string) => htmlDecode(new RegExp(`data-col="${col}">([^<]*)<`).exec(row)?.[1] ?? '');
      expect(cell('expected')).toBe(o.expected);
      expect(cell('actual')).toBe(o.actual);
      expect(row).toContain(o.ok ? '>PASS<' : '>FAIL<');
      // Markdown: the table row.
      const mdRow = md.split('\n').find((l) => l.startsWith(`| \`${o.name}\``)) ?? '';
      const cells = mdRow.split(' | ').map((c) => htmlDecode(c.trim()));
      expect(cells[2]).toBe(o.expected);
      expect(cells[3]).toBe(o.actual);
      expect(mdRow.endsWith(o.ok ? 'PASS |' : '**FAIL** |')).toBe(true);
      // JUnit: the test case properties and the failure message.
      const tc = new RegExp(`<testcase name="${o.name}"[\\s\\S]*?</testcase>`).exec(junit)?.[0] ?? '';
      expect(htmlDecode(/name="expected" value="([^"]*)"/.exec(tc)?.[1] ?? '')).toBe(o.expected);
      expect(htmlDecode(/name="actual" value="([^"]*)"/.exec(tc)?.[1] ?? '')).toBe(o.actual);
      expect(tc.includes('<failure')).toBe(!o.ok);
    }
    // The headline RTO and the per-phase P95 of the web probe appear in every document.
    const rto = ev.headline.rto?.text as string;
    expect(html).toContain(
      `<div class="v ${ev.objectives.find((o) => o.name === 'rto')?.ok ? 'ok' : 'bad'}">${rto}</div>`,
    );
    expect(md).toContain(`**RTO ${rto}**`);
    expect(junit).toContain(`<property name="rto" value="${rto}"/>`);
    const p95 = ev.measurements.probes.web?.phases.fault.p95WithFailuresMs;
    expect(md).toMatch(new RegExp(`\\| fault \\| \\d+ \\| \\d+ \\| [^|]+ \\| [^|]+ \\| ${p95}ms \\|`));
    expect(junit).toMatch(new RegExp(`failures="${ev.objectives.filter((o) => !o.ok).length}"`));
  });
});
