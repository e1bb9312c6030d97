import { isAbsolute, join } from 'node:path';
import type { AwsTarget } from '../../aws/clients.js';
import { createKmsApi } from '../../aws/clients.js';
import { type MessageSink, message } from '../../io/messages.js';
import { createEvidenceWriter } from '../../reports/pack.js';
import { generateSigningKey, loadPrivateKey } from '../../reports/signing/keys.js';
import { kmsSigner } from '../../reports/signing/kms-signer.js';
import { type EvidenceSigner, localSigner } from '../../reports/signing/signer.js';
import type { DrillScenario } from '../phases/drill-input.js';
import type { DrillPorts } from '../phases/ports.js';
import { writeMinimalEvidence } from './analysis-port.js';

/**
 * The evidence pack writer for a drill: signed with the scenario's key (a PEM file, a KMS key, or
 * a key generated for this run whose public half goes into the pack). When the pack cannot be
 * written, a plain evidence.json still records the result, and the failure is reported.
 */
export function evidencePort(i: {
  scenario: DrillScenario;
  scenarioDir: string;
  aws: AwsTarget;
  sink: MessageSink;
}): DrillPorts['writeEvidence'] {
  return async (runDir, record) => {
    let signer: EvidenceSigner;
    const s = i.scenario.evidence?.signing ?? { type: 'ecdsa-p256' as const };
    if (s.type === 'kms') {
      signer = await kmsSigner(createKmsApi(i.aws), s.kmsKeyId);
    } else if (s.key) {
      signer = localSigner(await loadPrivateKey(isAbsolute(s.key) ? s.key : join(i.scenarioDir, s.key)));
    } else {
      signer = localSigner(generateSigningKey(s.type === 'ed25519' ? 'ed25519' : 'ecdsa-p256').privateKey);
    }
    try {
      return await createEvidenceWriter({ signing: { signer }, sink: i.sink })(runDir, record);
    } catch (err) {
      i.sink.emit(message('error', 'DP_RUN_E1012', `evidence pack not written: ${(err as Error).message}`));
      writeMinimalEvidence(runDir, record);
      throw err;
    }
  };
}
