import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../../run/files.js';
import { isoMs } from '../../util/clock.js';
import { scrubSecrets } from '../../util/secrets.js';
import { analyzeDrill } from '../analysis/drill.js';
import type { DrillPorts } from '../phases/ports.js';

/** The drill's analysis port: the analysis of the run directory, written to measurements.json. */
export const analysisPort: DrillPorts['analyze'] = ({ runDir, scenario, journal }) =>
  analyzeDrill({ runDir, scenario, journal, write: true });

/**
 * evidence.json when no evidence pack writer is given (engine tests, or a pack that failed): the
 * run record as JSON (verdict, measurements, faults with AWS request ids, objectives),
 * schema-versioned.
 */
export function writeMinimalEvidence(runDir: string, record: object): string[] {
  const path = join(runDir, RUN_FILES.evidence);
  const json = JSON.stringify({ schemaVersion: 1, writtenAt: isoMs(Date.now()), ...record }, null, 2);
  writeFileSync(path, `${scrubSecrets(json)}\n`);
  return [path];
}
