import type { ProbeMeasurements } from '../../run/measurements.js';
import { escapeHtml } from '../escape.js';
import { fmtMs } from '../format.js';
import type { ProbeSeries } from '../series.js';

/**
 * Inline SVG charts (no scripts, no external resources). Coordinates are rounded to 0.1 px so
 * the markup stays small and byte-identical between renders.
 */
const W = 960;
const LEFT = 62;
const RIGHT = 14;
const PLOT_W = W - LEFT - RIGHT;

const r1 = (x: number): string => String(Math.round(x * 10) / 10);

export interface ChartMarks {
  /** F, epoch ms. */
  faultAtMs: number | null;
  detectedAtMs: number | null;
  recoveredAtMs: number | null;
}

/** A round tick step giving at most `maxTicks` ticks up to `max`. */
function niceYStep(max: number, maxTicks: number): number {
  const raw = Math.max(max, 1e-3) / maxTicks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function niceStep(spanSec: number, maxTicks: number): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  for (const s of steps) if (spanSec / s <= maxTicks) return s;
  return 7200 * Math.ceil(spanSec / (7200 * maxTicks));
}

function fmtTick(sec: number): string {
  const v = Math.round(sec * 10) / 10;
  if (v === 0) return 'F';
  const a = Math.abs(v);
  const m = Math.floor(a / 60);
  const rest = Math.round((a - m * 60) * 10) / 10;
  const txt = m > 0 ? `${m}m${rest ? `${rest}s` : ''}` : `${a}s`;
  return v < 0 ? `F\u2212${txt}` : `F+${txt}`;
}

/** x ticks labelled relative to F (or to the start when there was no fault). */
function xTicks(s: ProbeSeries, x: (t: number) => number, origin: number, top: number, bottom: number): string {
  const spanSec = (s.endMs - s.startMs) / 1000;
  const step = niceStep(spanSec, 10);
  const first = Math.ceil((s.startMs - origin) / 1000 / step) * step;
  const parts: string[] = [];
  for (let sec = first; origin + sec * 1000 <= s.endMs; sec += step) {
    const px = x(origin + sec * 1000);
    // Keep labels inside the plot: a label cut off at the right edge reads as a different value.
    if (px > W - RIGHT - 18) break;
    parts.push(
      `<line x1="${r1(px)}" y1="${top}" x2="${r1(px)}" y2="${bottom}" stroke="#e5e7eb" stroke-width="1"/>`,
      `<text x="${r1(px)}" y="${bottom + 14}" text-anchor="middle" font-size="11" fill="#4b5563">${escapeHtml(
        fmtTick(sec),
      )}</text>`,
    );
  }
  return parts.join('');
}

function marker(px: number, top: number, bottom: number, color: string, label: string, dash: boolean, row: number) {
  return (
    `<line x1="${r1(px)}" y1="${top - 2}" x2="${r1(px)}" y2="${bottom}" stroke="${color}" stroke-width="2"${
      dash ? ' stroke-dasharray="5 3"' : ''
    }/>` +
    `<text x="${r1(px + 4)}" y="${top + 10 + row * 12}" font-size="11" font-weight="600" fill="${color}">${escapeHtml(label)}</text>`
  );
}

/** Latency over time for one probe, with phase bands, a failure lane and the F/detect/recover markers. */
export function latencyChart(s: ProbeSeries, pm: ProbeMeasurements | undefined, marks: ChartMarks): string {
  const FAIL_TOP = 22;
  const FAIL_H = 14;
  const TOP = FAIL_TOP + FAIL_H + 6;
  const PLOT_H = 150;
  const BOTTOM = TOP + PLOT_H;
  const H = BOTTOM + 24;
  const span = Math.max(1, s.endMs - s.startMs);
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, s.startMs), s.endMs) - s.startMs) / span) * PLOT_W;
  const yStep = niceYStep(Math.max(1, s.maxOkMs) * 1.05, 4);
  const yMax = Math.ceil((Math.max(1, s.maxOkMs) * 1.05) / yStep) * yStep;
  const y = (ms: number) => BOTTOM - (Math.min(ms, yMax) / yMax) * PLOT_H;
  const origin = marks.faultAtMs ?? s.startMs;
  const parts: string[] = [];

  // Phase bands from the measured phases (baseline / fault / recovery).
  const bands: [keyof ProbeMeasurements['phases'], string][] = [
    ['baseline', '#eef2f7'],
    ['fault', '#fde2e2'],
    ['recovery', '#e3f4e8'],
  ];
  for (const [phase, color] of bands) {
    const p = pm?.phases[phase];
    if (!p || p.startMs === null || p.endMs === null || p.scheduled === 0) continue;
    const x0 = x(p.startMs);
    const x1 = x(p.endMs);
    parts.push(
      `<rect data-band="${phase}" x="${r1(x0)}" y="${FAIL_TOP}" width="${r1(Math.max(0.5, x1 - x0))}" height="${BOTTOM - FAIL_TOP}" fill="${color}"/>`,
    );
  }
  // Grid and y axis.
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(
      `<line x1="${LEFT}" y1="${r1(y(v))}" x2="${W - RIGHT}" y2="${r1(y(v))}" stroke="#d1d5db" stroke-width="${v === 0 ? 1 : 0.5}"/>`,
      `<text x="${LEFT - 6}" y="${r1(y(v) + 4)}" text-anchor="end" font-size="11" fill="#4b5563">${escapeHtml(fmtMs(v))}</text>`,
    );
  }
  parts.push(xTicks(s, x, origin, TOP, BOTTOM));
  parts.push(
    `<text x="${LEFT - 6}" y="${FAIL_TOP + 11}" text-anchor="end" font-size="11" font-weight="600" fill="#b91c1c">failed</text>`,
    `<rect x="${LEFT}" y="${FAIL_TOP}" width="${PLOT_W}" height="${FAIL_H}" fill="none" stroke="#fca5a5" stroke-width="0.5"/>`,
  );
  // One column per bucket: the ok latency range, and a failure tick whose opacity is the failed share.
  const colW = PLOT_W / Math.max(1, s.buckets.length);
  const lat: string[] = [];
  const fails: string[] = [];
  for (const b of s.buckets) {
    const cx = x(b.t0) + colW / 2;
    if (b.okMinMs !== null && b.okMaxMs !== null) {
      const y0 = y(b.okMaxMs);
      const y1 = Math.max(y(b.okMinMs), y0 + 1);
      lat.push(`M${r1(cx)} ${r1(y0)}V${r1(y1)}`);
    }
    if (b.failed > 0) {
      const op = Math.max(0.35, b.failed / b.n);
      fails.push(
        `<rect x="${r1(x(b.t0))}" y="${FAIL_TOP}" width="${r1(Math.max(1, colW))}" height="${FAIL_H}" fill="#dc2626" fill-opacity="${
          Math.round(op * 100) / 100
        }"/>`,
      );
    }
  }
  parts.push(
    `<path data-series="latency" d="${lat.join('')}" stroke="#1d4ed8" stroke-width="${r1(Math.max(1, Math.min(colW, 3)))}" fill="none"/>`,
  );
  // Sparse probes (a heartbeat every 200 ms) get a line through the columns too, broken where a
  // column has no ok sample, so the trend reads as a line and not as scattered dashes.
  if (colW >= 3) {
    const line: string[] = [];
    let pen = false;
    for (const b of s.buckets) {
      if (b.okMinMs === null || b.okMaxMs === null) {
        pen = false;
        continue;
      }
      const cx = x(b.t0) + colW / 2;
      line.push(`${pen ? 'L' : 'M'}${r1(cx)} ${r1(y((b.okMinMs + b.okMaxMs) / 2))}`);
      pen = true;
    }
    parts.push(
      `<path data-series="latency-line" d="${line.join('')}" stroke="#1d4ed8" stroke-width="1.2" fill="none"/>`,
    );
  }
  parts.push(`<g data-series="failures">${fails.join('')}</g>`);
  // Markers.
  if (marks.faultAtMs !== null)
    parts.push(marker(x(marks.faultAtMs), TOP, BOTTOM, '#111827', 'fault injected', false, 0));
  if (marks.detectedAtMs !== null)
    parts.push(marker(x(marks.detectedAtMs), TOP, BOTTOM, '#c2410c', 'outage detected', true, 1));
  if (marks.recoveredAtMs !== null)
    parts.push(marker(x(marks.recoveredAtMs), TOP, BOTTOM, '#15803d', 'recovered', true, 2));
  parts.push(
    `<text x="${LEFT}" y="13" font-size="12" font-weight="700" fill="#111827">${escapeHtml(s.probe)}</text>`,
    `<text x="${W - RIGHT}" y="13" text-anchor="end" font-size="11" fill="#4b5563">${escapeHtml(
      `${s.kind} \u00b7 every ${fmtMs(s.intervalMs)} \u00b7 timeout ${fmtMs(s.timeoutMs)} \u00b7 ${s.samples} samples`,
    )}</text>`,
  );
  return `<svg data-chart="latency" data-probe="${escapeHtml(s.probe)}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(
    `latency over time, probe ${s.probe}`,
  )}">${parts.join('')}</svg>`;
}

function availabilityColor(ratio: number): string {
  if (ratio >= 0.999) return '#16a34a';
  if (ratio >= 0.9) return '#84cc16';
  if (ratio >= 0.5) return '#f59e0b';
  return '#dc2626';
}

/** One row per probe: each column coloured by the share of ok samples in it. */
export function availabilityStrip(series: readonly ProbeSeries[], marks: ChartMarks): string {
  const ROW = 16;
  const GAP = 6;
  const TOP = 4;
  const H = TOP + series.length * (ROW + GAP) + 4;
  const parts: string[] = [];
  series.forEach((s, i) => {
    const y0 = TOP + i * (ROW + GAP);
    const span = Math.max(1, s.endMs - s.startMs);
    const colW = PLOT_W / Math.max(1, s.buckets.length);
    parts.push(
      `<text x="${LEFT - 6}" y="${y0 + 12}" text-anchor="end" font-size="11" fill="#111827">${escapeHtml(s.probe)}</text>`,
    );
    // Merge neighbouring columns of the same colour to keep the markup small.
    let runStart = 0;
    let runColor: string | null = null;
    const flush = (end: number) => {
      if (runColor === null) return;
      parts.push(
        `<rect x="${r1(LEFT + runStart * colW)}" y="${y0}" width="${r1((end - runStart) * colW)}" height="${ROW}" fill="${runColor}"/>`,
      );
    };
    s.buckets.forEach((b, j) => {
      const c = b.n === 0 ? '#e5e7eb' : availabilityColor(b.ok / b.n);
      if (c !== runColor) {
        flush(j);
        runStart = j;
        runColor = c;
      }
    });
    flush(s.buckets.length);
    if (marks.faultAtMs !== null) {
      const px = LEFT + ((marks.faultAtMs - s.startMs) / span) * PLOT_W;
      parts.push(
        `<line x1="${r1(px)}" y1="${y0 - 2}" x2="${r1(px)}" y2="${y0 + ROW + 2}" stroke="#111827" stroke-width="2"/>`,
      );
    }
  });
  return `<svg data-chart="availability" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="availability over time per probe">${parts.join(
    '',
  )}</svg>`;
}
