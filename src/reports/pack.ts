import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MessageSink, message, silentSink } from '../io/messages.js';
import type { JournalEntry } from '../run/journal-types.js';
import { RUN_RECORD_FILE, type RunRecord } from '../run/record.js';
import { buildEvidence, serializeEvidence } from './evidence-model.js';
import { type Evidence, evidenceSchema, type SigningInfo } from './evidence-schema.js';
import { renderHtml } from './html/render-html.js';
import { printPdf } from './pdf.js';
import { redactValue } from './redact.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { type LoadedRun, loadRunDir, redactRunFiles } from './run-dir.js';
import { buildSeries, type ProbeSamples, seriesRange } from './series.js';
import { listPackFiles } from './signing/pack-files.js';
import { type SignPackResult, signPack } from './signing/sign-pack.js';
import type { EvidenceSigner } from './signing/signer.js';

export const EVIDENCE_FILE = 'evidence.json';
export const HTML_FILE = 'report.html';
export const MARKDOWN_FILE = 'report.md';
export const JUNIT_FILE = 'junit.xml';
export const PDF_FILE = 'report.pdf';

export interface RenderedPack {
  evidence: Evidence;
  files: Record<string, string>;
}

/** Pure: the four rendered files of a pack from a record, its journal and its samples. */
export function renderPack(
  record: RunRecord,
  journal: readonly JournalEntry[],
  samples: readonly ProbeSamples[],
  signing: SigningInfo | null = null,
): RenderedPack {
  const evidence = buildEvidence(record, journal, signing);
  const range = seriesRange(samples);
  // One column per pixel at most, and never more columns than samples (a sparse probe would show gaps).
  const series = range
    ? samples.map((s) =>
        buildSeries(
          s,
          range,
          Math.max(1, Math.min(600, Math.floor((range.endMs - range.startMs) / s.header.intervalMs))),
        ),
      )
    : [];
  return {
    evidence,
    files: {
      [EVIDENCE_FILE]: serializeEvidence(evidence),
      [HTML_FILE]: renderHtml(evidence, series),
      [MARKDOWN_FILE]: renderMarkdown(evidence),
      [JUNIT_FILE]: renderJunit(evidence),
    },
  };
}

export interface WritePackOptions {
  runDir: string;
  record: RunRecord;
  journal: readonly JournalEntry[];
  /** Samples for the charts; read from `<runDir>/samples` when omitted. */
  samples?: readonly ProbeSamples[];
  /** Sign the pack (null: leave it unsigned; `drillproof sign` can sign it later). */
  signing: { signer: EvidenceSigner; tsaUrl?: string; fetchImpl?: typeof fetch } | null;
  /** Also print report.pdf (before signing, so it is covered). */
  pdf?: { executablePath?: string } | null;
  sink?: MessageSink;
  now?: () => Date;
}

export interface WritePackResult {
  evidence: Evidence;
  files: string[];
  signed: SignPackResult | null;
}

/**
 * The end of a drill: writes evidence.json, report.html, report.md, junit.xml (and report.pdf
 * when asked), redacts every text file of the run directory, then signs the whole directory.
 * The drill engine calls this; `drillproof report` and `drillproof sign` reuse the parts.
 */
export async function writeEvidencePack(opts: WritePackOptions): Promise<WritePackResult> {
  const sink = opts.sink ?? silentSink;
  const { runDir } = opts;
  sink.progress?.({ id: 'evidence', label: 'writing the evidence pack', done: 0, total: 3 });
  try {
    await access(join(runDir, RUN_RECORD_FILE));
  } catch {
    await writeFile(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(redactValue(opts.record), null, 2)}\n`);
  }
  // Files other parts wrote (journal, samples, scenario copy) are redacted before anything reads them.
  const changed = await redactRunFiles(runDir, await listPackFiles(runDir));
  for (const c of changed)
    sink.emit(message('warn', 'DP_EVID_W0001', `redacted ${c.count} secret value(s) in ${c.file} before signing`, c));
  let loaded: Pick<LoadedRun, 'samples'>;
  if (opts.samples && changed.length === 0) loaded = { samples: [...opts.samples] };
  else loaded = await loadRunDir(runDir);
  // The signer is named in the documents it signs: a keyless signer gets its certificate first.
  await opts.signing?.signer.prepare?.();
  const rendered = renderPack(opts.record, opts.journal, loaded.samples, opts.signing?.signer.info() ?? null);
  for (const [name, text] of Object.entries(rendered.files)) await writeFile(join(runDir, name), text);
  sink.progress?.({ id: 'evidence', label: 'writing the evidence pack', done: 1, total: 3 });
  if (opts.pdf) {
    await printPdf(join(runDir, HTML_FILE), join(runDir, PDF_FILE), opts.pdf);
    sink.emit(message('info', 'DP_EVID_I0004', `printed ${PDF_FILE}`, { file: join(runDir, PDF_FILE) }));
  }
  sink.progress?.({ id: 'evidence', label: 'writing the evidence pack', done: 2, total: 3 });
  let signed: SignPackResult | null = null;
  if (opts.signing) {
    signed = await signPack({
      dir: runDir,
      signer: opts.signing.signer,
      sink,
      ...(opts.signing.tsaUrl ? { tsaUrl: opts.signing.tsaUrl } : {}),
      ...(opts.signing.fetchImpl ? { fetchImpl: opts.signing.fetchImpl } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
  }
  sink.progress?.({ id: 'evidence', label: 'writing the evidence pack', done: 3, total: 3 });
  sink.emit(
    message('info', 'DP_EVID_I0001', `evidence pack written to ${runDir} (${rendered.evidence.run.verdict})`, {
      dir: runDir,
      verdict: rendered.evidence.run.verdict,
      signed: signed !== null,
    }),
  );
  return { evidence: rendered.evidence, files: await listPackFiles(runDir), signed };
}

/** `drillproof report <run-dir>`: re-renders the pack's documents from the files alone. */
export async function rerenderRunDir(
  runDir: string,
  opts: { sink?: MessageSink; outDir?: string } = {},
): Promise<{ evidence: Evidence; written: string[]; changed: string[] }> {
  const loaded = await loadRunDir(runDir);
  // A run directory from before the pack writer was wired has the record only inside a minimal
  // evidence.json, which is about to be replaced: keep the record as run.json.
  try {
    await access(join(runDir, RUN_RECORD_FILE));
  } catch {
    await writeFile(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(redactValue(loaded.record), null, 2)}\n`);
  }
  const rendered = renderPack(loaded.record, loaded.journal, loaded.samples, await previousSigning(runDir));
  const out = opts.outDir ?? runDir;
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  const changed: string[] = [];
  for (const [name, text] of Object.entries(rendered.files)) {
    const path = join(out, name);
    let before: string | null = null;
    try {
      before = await readFile(path, 'utf8');
    } catch {
      before = null;
    }
    if (before !== text) changed.push(name);
    await writeFile(path, text);
    written.push(path);
  }
  return { evidence: rendered.evidence, written, changed };
}

/** The signer recorded in a pack's evidence.json, so a re-render keeps the signed bytes. */
async function previousSigning(runDir: string): Promise<SigningInfo | null> {
  try {
    const parsed = evidenceSchema.shape.signing.safeParse(
      (JSON.parse(await readFile(join(runDir, EVIDENCE_FILE), 'utf8')) as { signing?: unknown }).signing ?? null,
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * `drillproof sign <run-dir>`: the documents are rendered again naming the new signer (the signer
 * is part of what is signed), then the directory is signed. A directory that is not a run
 * directory (no run.json) is signed as it is.
 */
export async function signRunDir(
  runDir: string,
  signing: NonNullable<WritePackOptions['signing']>,
  opts: { sink?: MessageSink; now?: () => Date } = {},
): Promise<SignPackResult> {
  let isRunDir = true;
  try {
    await access(join(runDir, RUN_RECORD_FILE));
  } catch {
    isRunDir = false;
  }
  const signOpts = {
    dir: runDir,
    signer: signing.signer,
    ...(opts.sink ? { sink: opts.sink } : {}),
    ...(signing.tsaUrl ? { tsaUrl: signing.tsaUrl } : {}),
    ...(signing.fetchImpl ? { fetchImpl: signing.fetchImpl } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  };
  if (!isRunDir) return signPack(signOpts);
  const loaded = await loadRunDir(runDir);
  await signing.signer.prepare?.();
  const rendered = renderPack(loaded.record, loaded.journal, loaded.samples, signing.signer.info());
  // report.pdf, when present, was printed from the old report.html: it stays as it is (re-print with `report --pdf`).
  for (const [name, text] of Object.entries(rendered.files)) await writeFile(join(runDir, name), text);
  return signPack(signOpts);
}

/**
 * The drill engine's `writeEvidence` port (src/experiments/phases/ports.ts): reads the closed
 * journal and the samples back from the run directory, writes and (optionally) signs the pack,
 * and returns the files of the pack.
 */
export function createEvidenceWriter(opts: {
  signing: WritePackOptions['signing'];
  pdf?: WritePackOptions['pdf'];
  sink?: MessageSink;
}): (runDir: string, record: RunRecord) => Promise<string[]> {
  return async (runDir, record) => {
    await writeFile(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(redactValue(record), null, 2)}\n`);
    const loaded = await loadRunDir(runDir);
    const r = await writeEvidencePack({
      runDir,
      record,
      journal: loaded.journal,
      samples: loaded.samples,
      signing: opts.signing,
      ...(opts.pdf ? { pdf: opts.pdf } : {}),
      ...(opts.sink ? { sink: opts.sink } : {}),
    });
    return r.files;
  };
}
