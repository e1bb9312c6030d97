import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DrillproofError } from '../errors.js';
import { readRunJournal } from '../run/journal.js';
import type { JournalEntry } from '../run/journal-types.js';
import { RUN_RECORD_FILE, type RunRecord } from '../run/record.js';
import { listSampleFiles, type ProbeSamples, readProbeSamples } from '../run/sample-reader.js';
import { redactText, redactValue } from './redact.js';

/** A run directory read back from disk: everything `drillproof report` needs. */
export interface LoadedRun {
  dir: string;
  record: RunRecord;
  journal: JournalEntry[];
  samples: ProbeSamples[];
}

async function readText(path: string): Promise<string> {
  const buf = await readFile(path);
  return path.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
}

export async function loadRunDir(dir: string): Promise<LoadedRun> {
  let record: RunRecord;
  try {
    record = JSON.parse(await readFile(join(dir, RUN_RECORD_FILE), 'utf8')) as RunRecord;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    const legacy = missing ? await recordFromMinimalEvidence(dir) : null;
    if (legacy) return { dir, record: legacy, ...(await readJournalAndSamples(dir)) };
    throw DrillproofError.user(
      missing ? 'RunDirIncomplete' : 'RunFileCorrupt',
      missing
        ? `${dir} has no ${RUN_RECORD_FILE}: it is not a drillproof run directory`
        : `${dir}/${RUN_RECORD_FILE} is not valid JSON`,
      { hint: 'pass the directory a drill wrote (runs/<run-id>)', cause: err },
    );
  }
  return { dir, record, ...(await readJournalAndSamples(dir)) };
}

/**
 * Before the evidence writer is wired into a drill, the engine writes a minimal evidence.json
 * holding the run record itself (`{schemaVersion, writtenAt, ...record}`): read the record from it.
 */
async function recordFromMinimalEvidence(dir: string): Promise<RunRecord | null> {
  try {
    const doc = JSON.parse(await readFile(join(dir, 'evidence.json'), 'utf8')) as Record<string, unknown>;
    if (doc.kind === 'drillproof.evidence' || typeof doc.runId !== 'string' || typeof doc.measurements !== 'object')
      return null;
    const { schemaVersion: _v, writtenAt: _w, ...record } = doc;
    return record as unknown as RunRecord;
  } catch {
    return null;
  }
}

async function readJournalAndSamples(dir: string): Promise<Pick<LoadedRun, 'journal' | 'samples'>> {
  const journal = readRunJournal(dir);
  const samples: ProbeSamples[] = [];
  for (const f of listSampleFiles(dir)) samples.push(await readProbeSamples(f.path));
  return { journal, samples };
}

const REDACTABLE = /\.(ndjson|json|ya?ml|txt|md|log|csv|js)(\.gz)?$/;

/** Files the pack writer renders or signs itself: already redacted, or not text to touch. */
const PACK_OUTPUTS = new Set([
  'evidence.json',
  'report.html',
  'report.md',
  'junit.xml',
  'report.pdf',
  'SHA256SUMS',
  'VERIFY.md',
  'signing-key.pub.pem',
  'evidence.sigstore.json',
]);

/**
 * JSON is redacted structurally (every string value through the rules, secret-named keys
 * blanked) so a replacement can never break the document; other text line by line.
 */
function redactContent(name: string, text: string): { text: string; count: number } {
  const base = name.replace(/\.gz$/, '');
  if (base.endsWith('.ndjson')) {
    let count = 0;
    const lines = text.split('\n').map((line) => {
      if (line.trim() === '') return line;
      try {
        const before = JSON.parse(line) as unknown;
        const after = redactValue(before);
        const out = JSON.stringify(after);
        if (out === JSON.stringify(before)) return line;
        count++;
        return out;
      } catch {
        const r = redactText(line);
        count += r.total;
        return r.text;
      }
    });
    return { text: lines.join('\n'), count };
  }
  if (base.endsWith('.json')) {
    try {
      const before = JSON.parse(text) as unknown;
      const after = redactValue(before);
      if (JSON.stringify(after) === JSON.stringify(before)) return { text, count: 0 };
      return { text: `${JSON.stringify(after, null, 2)}\n`, count: 1 };
    } catch {
      // Not JSON after all: fall through to the text rules.
    }
  }
  const r = redactText(text);
  return { text: r.text, count: r.total };
}

/**
 * Rewrites the text files of a run directory (journal, samples, scenario copy, k6 output)
 * through the redaction rules, before they are hashed and signed. Returns the files changed.
 */
export async function redactRunFiles(
  dir: string,
  files: readonly string[],
): Promise<{ file: string; count: number }[]> {
  const changed: { file: string; count: number }[] = [];
  for (const f of files) {
    if (!REDACTABLE.test(f) || PACK_OUTPUTS.has(f)) continue;
    const path = join(dir, f);
    const text = await readText(path);
    const r = redactContent(f, text);
    if (r.count === 0) continue;
    await writeFile(path, f.endsWith('.gz') ? gzipSync(Buffer.from(r.text, 'utf8')) : r.text);
    changed.push({ file: f, count: r.count });
  }
  return changed;
}
