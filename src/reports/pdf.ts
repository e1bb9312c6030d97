import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { DrillproofError } from '../errors.js';

/** Debian's Chromium; override with DRILLPROOF_CHROMIUM or the `executablePath` option. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The flags the report is printed with: no network chatter, no sandbox (containers run as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export async function findChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = explicit ?? env.DRILLPROOF_CHROMIUM ?? DEFAULT_CHROMIUM;
  try {
    await access(path);
    return path;
  } catch (err) {
    throw DrillproofError.user('ChromiumNotFound', `no Chromium at ${path}: cannot print the report to PDF`, {
      hint: 'install it (Debian: apt-get install chromium) or set DRILLPROOF_CHROMIUM to a Chromium binary; report.html prints from any browser too',
      cause: err,
    });
  }
}

/**
 * Prints report.html to PDF with a local headless Chromium (playwright-core). Requests to
 * anything but the report file itself are blocked: the PDF is made offline.
 */
export async function printPdf(
  htmlPath: string,
  pdfPath: string,
  opts: { executablePath?: string } = {},
): Promise<void> {
  const executablePath = await findChromium(opts.executablePath);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const url = pathToFileURL(htmlPath).href;
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
