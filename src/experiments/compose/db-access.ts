import { DrillproofError } from '../../errors.js';
import { type ProbeConfig, probeKind, probeSchema } from '../../probes/kinds/registry.js';
import { probeConfigFromScenario } from '../../probes/scenario-config.js';
import type { HeartbeatReadback } from '../../run/samples.js';
import type { DbAccess, DbEndpoint } from '../faults/types.js';
import type { DrillScenario } from '../phases/drill-input.js';

/**
 * Database access for restore verification: the connection settings (and secret sources) of a
 * probe whose kind writes to a database (a heartbeat), pointed at another endpoint (the restored
 * instance), optionally with the fault's own connection overrides.
 */
export function createDbAccess(
  scenario: DrillScenario,
  runId: string,
  env: NodeJS.ProcessEnv,
  baseDir?: string,
): DbAccess | undefined {
  const probes = (scenario.probes ?? []).filter((p) => probeKind(p.type)?.database);
  if (probes.length === 0) return undefined;
  const configFor = (name: string, ep: DbEndpoint, override?: Record<string, unknown>) => {
    const p = probes.find((x) => x.name === name);
    if (!p) {
      throw DrillproofError.user('HeartbeatProbeUnknown', `no heartbeat probe named ${name}`, {
        hint: `use one of ${probes.map((x) => x.name).join(', ')}`,
      });
    }
    const base = (p as { connection?: Record<string, unknown> }).connection ?? {};
    const input = probeSchema.parse({
      ...p,
      connection: { ...base, ...(override ?? {}), host: ep.host, port: ep.port },
    });
    const cfg: ProbeConfig = probeConfigFromScenario(input, {
      ...(baseDir ? { baseDir } : {}),
      region: scenario.target.region,
      ...(scenario.target.endpoint ? { endpoint: scenario.target.endpoint } : {}),
    });
    const database = probeKind(cfg.kind)?.database;
    if (!database) {
      throw DrillproofError.tool('ProbeNotDatabase', `probe ${name} writes to no database`);
    }
    return { cfg, database };
  };
  return {
    defaultProbe: () => probes[0]?.name,
    async readBack(probe, ep, override): Promise<HeartbeatReadback> {
      const { cfg, database } = configFor(probe, ep, override);
      const rows = await database.readBack(cfg, { env }, runId);
      return { probe, runId, readAt: Date.now(), ...rows, kind: 'restore' };
    },
    async query(probe, ep, sql, override): Promise<unknown[][]> {
      const { cfg, database } = configFor(probe, ep, override);
      return database.query(cfg, { env }, sql);
    },
  };
}
