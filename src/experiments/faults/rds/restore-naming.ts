import { createHash } from 'node:crypto';

/**
 * The one naming rule for databases a restore drill creates: `<source>-dp-<run>-<step>`. The
 * engine names the restored instance with `restoredDbId`; the plan and `iam-policy` scope the
 * restore to `restoredDbPattern` (`<source>-dp-*`), so the least-privilege policy always allows
 * exactly what the engine creates.
 *
 * RDS identifiers: 1–63 letters, digits and hyphens, starting with a letter, no double hyphen,
 * no trailing hyphen. The run part keeps the run id's timestamp and random suffix (unique per
 * run) and drops the scenario slug; a long source id is shortened with a hash so the prefix (and
 * with it the policy pattern) always fits.
 */
const MAX = 63;

function clean(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-');
}

/** `<source>-dp-`, at most 40 characters. */
export function restoredDbPrefix(sourceId: string): string {
  let src = clean(sourceId).replace(/^-|-$/g, '');
  if (!/^[a-z]/.test(src)) src = `db-${src}`;
  if (src.length > 36)
    src = `${src.slice(0, 29).replace(/-$/, '')}-${createHash('sha256').update(sourceId).digest('hex').slice(0, 6)}`;
  return `${src}-dp-`;
}

/** The IAM resource pattern of every database restored from `sourceId` (e.g. `lab-db-dp-*`). */
export function restoredDbPattern(sourceId: string): string {
  return `${restoredDbPrefix(sourceId)}*`;
}

/** `20261122T074500Z-lab-rds-restore-3f9a` → `20261122t074500z-3f9a`. */
function runPart(runId: string): string {
  const parts = clean(runId).split('-').filter(Boolean);
  if (parts.length <= 2) return parts.join('-');
  return `${parts[0]}-${parts[parts.length - 1]}`;
}

/** The identifier of the database restored by step `stepId` of run `runId`. */
export function restoredDbId(sourceId: string, runId: string, stepId: string): string {
  const id = clean(`${restoredDbPrefix(sourceId)}${runPart(runId)}-${stepId}`);
  return id.slice(0, MAX).replace(/-+$/, '');
}
