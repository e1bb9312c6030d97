import { type MessageSink, silentSink } from '../../io/messages.js';
import type { ProbeConfig } from '../../probes/config.js';
import { startProbes } from '../../probes/engine.js';
import { probeConfigFromScenario, type ScenarioProbeInput } from '../../probes/scenario-config.js';
import { analyzeDrill, writeMinimalEvidence } from './analysis.js';
import { createDbAccess } from './db-access.js';
import type { DrillPorts, ProbeSession } from './ports.js';

/**
 * The real collaborators: probes from src/probes, analysis from src/measurements, evidence.json.
 * `writeEvidence` can be replaced by the evidence pack writer.
 */
export function defaultDrillPorts(o: {
  env: NodeJS.ProcessEnv;
  sink?: MessageSink;
  pollMs: number;
  writeEvidence?: DrillPorts['writeEvidence'];
}): DrillPorts {
  return {
    async startProbes({ scenario, runDir, runId, timeline }): Promise<ProbeSession> {
      const configs: ProbeConfig[] = (scenario.probes ?? []).map((p) =>
        probeConfigFromScenario(p as unknown as ScenarioProbeInput),
      );
      const restore = scenario.steps.faults.some((f) => f.type === 'rds-restore');
      const handle = await startProbes({
        probes: configs,
        outDir: runDir,
        runId,
        clock: timeline,
        sink: o.sink ?? silentSink,
        credentials: { env: o.env },
      });
      return {
        onSample: (l) => {
          handle.subscribe(l);
        },
        intervals: () => Object.fromEntries(configs.map((c) => [c.name, c.intervalMs])),
        stop: async () => {
          // A restore drill reads back from the restored database; the primary's rows would
          // only say nothing was lost where nothing failed.
          await handle.stop({ readback: !restore });
        },
      };
    },
    analyze: ({ runDir, scenario, journal }) => analyzeDrill({ runDir, scenario, journal, pollMs: o.pollMs }),
    writeEvidence: o.writeEvidence ?? (async (runDir, record) => writeMinimalEvidence(runDir, record)),
    dbAccess: (scenario, runId) => createDbAccess(scenario, runId, o.env),
  };
}
