import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPack } from '../../src/reports/pack.js';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '../../src/reports/pdf.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { cleanupTempDirs, copyRun, signedPack } from '../_helpers/evidence.js';

let browser: Browser;

beforeAll(async () => {
  await access(DEFAULT_CHROMIUM); // the browser tests need Debian's chromium (README: apt-get install chromium)
  browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await cleanupTempDirs();
});

async function open(path: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const url = pathToFileURL(path).href;
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, dialogs };
}

describe('report.html in headless Chromium', () => {
  it('renders the verdict, the objectives table and one latency chart per probe, offline and without errors', async () => {
    const { dir } = await signedPack('az-impairment-failed');
    const { page, errors, requests } = await open(join(dir, 'report.html'));
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('failed');
    expect(await page.locator('#verdict .verdict').textContent()).toBe('FAILED');
    const rows = page.locator('#objectives tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await page.locator('tr[data-objective="rpo"] td[data-col="actual"]').textContent()).toBe('0.6s');
    expect(await page.locator('tr[data-objective="rpo"] .pill').textContent()).toBe('FAIL');
    expect(await page.locator('svg[data-chart="latency"]').count()).toBe(2);
    expect(await page.locator('svg[data-chart="availability"] rect').count()).toBeGreaterThan(4);
    // The charts are drawn: the latency path has a box with a real size, the fault band is there.
    const box = await page
      .locator('svg[data-chart="latency"][data-probe="web"] path[data-series="latency"]')
      .boundingBox();
    expect(box?.width).toBeGreaterThan(500);
    expect(box?.height).toBeGreaterThan(20);
    expect(await page.locator('svg[data-probe="web"] rect[data-band="fault"]').count()).toBe(1);
    expect(await page.locator('#timeline tr[data-source="rds"]').count()).toBe(2);
    // Changing calls one by one with request ids; read-only polling summarised.
    expect(await page.locator('#aws-calls tbody tr').allTextContents()).toEqual([
      expect.stringContaining('fis:StartExperiment'),
      expect.stringContaining('ec2:StartInstances'),
    ]);
    expect(await page.locator('#aws-calls tbody tr').first().textContent()).toContain(
      '5f3a0001-1c2d-4e5f-8a9b-000000000001',
    );
    expect(await page.locator('#aws-polls tbody tr').allTextContents()).toEqual([
      expect.stringContaining('sts:GetCallerIdentity'),
    ]);
    expect(await page.locator('#ftr tr[data-ftr="RES-004"]').textContent()).toContain(
      'includes an Availability Zone impairment',
    );
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/report-az-impairment-failed.png', fullPage: false });
    await page.close();
  });

  it('renders a passed run and prints it to A4 without losing the charts', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    const { page, errors, requests } = await open(join(dir, 'report.html'));
    expect(await page.locator('#verdict .verdict').textContent()).toBe('PASSED');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('svg[data-chart="latency"]').first().isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/report-ec2-stop-passed.png', fullPage: false });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('escapes scenario text and names: markup in user input stays text', async () => {
    // GIVEN a run whose scenario name and text carry markup and script
    const dir = await copyRun('ec2-stop-passed');
    const run = await loadRunDir(dir);
    const evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    run.record.scenario.name = `shop ${evil}`;
    run.record.scenario.text = `${run.record.scenario.text}# ${evil}\n`;
    run.record.objectives[0] = {
      ...(run.record.objectives[0] as (typeof run.record.objectives)[0]),
      description: evil,
    };
    const rendered = renderPack(run.record, run.journal, run.samples).files;
    const html = rendered['report.html'] as string;
    // Markdown and JUnit carry the same text, inert as well.
    expect(rendered['report.md']).not.toMatch(/<(script|img)/);
    expect(rendered['report.md']).toContain('&lt;script>alert(2)&lt;/script>');
    expect(rendered['junit.xml']).not.toMatch(/<(script|img)/);
    await writeFile(join(dir, 'report.html'), html);
    // WHEN it is opened
    const { page, dialogs, requests } = await open(join(dir, 'report.html'));
    // THEN nothing ran, nothing was fetched, and the text is shown as written
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#verdict h1').textContent()).toBe(`shop ${evil}`);
    expect(await page.locator('#scenario').textContent()).toContain(evil);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).not.toContain('<script');
    await page.close();
  });
});
