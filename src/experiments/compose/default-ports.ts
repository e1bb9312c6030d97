import { dirname } from 'node:path';
import type { AwsTarget } from '../../aws/clients.js';
import { type MessageSink, silentSink } from '../../io/messages.js';
import { startScenarioProbes } from '../../probes/session.js';
import { faultDefinition } from '../faults/registry.js';
import type { DrillPorts, ProbeSession } from '../phases/ports.js';
import { analysisPort, writeMinimalEvidence } from './analysis-port.js';
import { createDbAccess } from './db-access.js';

/**
 * The real collaborators: probes from src/probes, analysis from src/measurements, evidence.json
 * (`writeEvidence` can be replaced by the evidence pack writer).
 */
export function defaultDrillPorts(o: {
  env: NodeJS.ProcessEnv;
  sink?: MessageSink;
  /** Directory of the scenario file (relative `{file: ...}` passwords). */
  scenarioPath?: string;
  writeEvidence?: DrillPorts['writeEvidence'];
  /** The drill's AWS target (lab endpoint and credentials): probes that call AWS use it too. */
  aws?: AwsTarget;
}): DrillPorts {
  const baseDir = o.scenarioPath ? dirname(o.scenarioPath) : undefined;
  return {
    async startProbes({ scenario, runDir, runId, timeline, writes }): Promise<ProbeSession> {
      const session = await startScenarioProbes({
        scenario,
        runDir,
        runId,
        timeline,
        sink: o.sink ?? silentSink,
        env: o.env,
        ...(baseDir ? { baseDir } : {}),
        ...(o.aws ? { aws: o.aws } : {}),
        ...(writes ? { writes } : {}),
      });
      const restore = scenario.steps.faults.some((f) => faultDefinition(f.type)?.measuresRestore);
      return {
        onSample: (l) => session.onSample(l),
        intervals: () => session.intervals(),
        stop: async () => {
          // A restore drill reads back from the restored database; the primary's rows would only
          // say that nothing was lost where nothing failed.
          await session.handle.stop({ readback: !restore });
        },
      };
    },
    analyze: analysisPort,
    writeEvidence: o.writeEvidence ?? (async (runDir, record) => writeMinimalEvidence(runDir, record)),
    dbAccess: (scenario, runId) => createDbAccess(scenario, runId, o.env, baseDir),
  };
}
