import { type MessageSink, message } from '../../io/messages.js';
import { createEvidenceWriter } from '../../reports/pack.js';
import type { EvidenceSigner } from '../../reports/signing/signer.js';
import type { DrillPorts } from '../phases/ports.js';
import { writeMinimalEvidence } from './analysis-port.js';

/**
 * The evidence pack writer for a drill, signed with the signer resolved before the run (see
 * run-signer.ts). When the pack cannot be written, a plain evidence.json still records the
 * result, and the failure is reported.
 */
export function evidencePort(i: {
  signer: EvidenceSigner;
  sink: MessageSink;
  /** Also print report.pdf with a local Chromium (before signing, so it is covered). */
  pdf?: { executablePath?: string } | null;
}): DrillPorts['writeEvidence'] {
  return async (runDir, record) => {
    try {
      return await createEvidenceWriter({
        signing: { signer: i.signer },
        sink: i.sink,
        ...(i.pdf ? { pdf: i.pdf } : {}),
      })(runDir, record);
    } catch (err) {
      i.sink.emit(message('error', 'DP_RUN_E1012', `evidence pack not written: ${(err as Error).message}`));
      writeMinimalEvidence(runDir, record);
      throw err;
    }
  };
}
