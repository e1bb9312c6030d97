import { dirname, resolve } from 'node:path';
import { DrillproofError } from '../errors.js';
import type { ProbeConfig } from '../probes/kinds/registry.js';
import { probeConfigsFromScenario } from '../probes/scenario-config.js';
import { resolveScenarioVars } from '../scenario/vars.js';
import { loadScenarioFile } from './load.js';

/**
 * The probes of a scenario file, ready to run (`drillproof probe --scenario`): loaded and
 * validated with the scenario loader, `${env.X}` resolved (a `${lab.x}` needs the running lab and
 * is reported as unresolved here).
 */
export async function loadScenarioProbes(file: string, env: NodeJS.ProcessEnv): Promise<ProbeConfig[]> {
  const loaded = loadScenarioFile(file);
  const scenario = resolveScenarioVars(loaded.scenario, { env });
  const probes = probeConfigsFromScenario(scenario, { baseDir: dirname(resolve(file)) });
  if (probes.length === 0) {
    throw DrillproofError.user('ScenarioHasNoProbes', `${file}: the scenario has no probes`, {
      hint: 'add a probes: list (http, tcp, dns, postgres-heartbeat, mysql-heartbeat)',
    });
  }
  return probes;
}
