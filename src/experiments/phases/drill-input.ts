import type { FaultStep } from '../faults/types.js';
import type { GuardrailsConfig } from '../guardrails.js';
import type { ResourceSelector } from '../preflight-resources.js';

/**
 * The parts of a validated, variable-resolved scenario the drill engine reads. The schema module
 * owns the full shape; this view keeps the engine independent of its internals.
 */
export interface DrillScenario {
  metadata: { name: string; ftr?: string[] };
  target: {
    provider: 'lab' | 'aws';
    region?: string;
    profile?: string;
    endpoint?: string;
    allowedAccounts?: string[];
  };
  resources?: Record<string, ResourceSelector>;
  probes?: { name: string; type: string; interval?: string; rate?: string; timeout?: string }[];
  steps: {
    baseline?: string;
    faults: FaultStep[];
    observe?: { timeout?: string; recovery?: { probes?: string[]; hold?: string } };
  };
  rollback?: { mode?: 'auto' | 'explicit'; steps?: FaultStep[] };
  guardrails?: GuardrailsConfig;
}

/** What the run command hands to the engine. */
export interface DrillInput {
  scenario: DrillScenario;
  /** The scenario file as given, its exact text and sha256 (copied into the run directory). */
  scenarioPath: string;
  scenarioText: string;
  scenarioSha256: string;
  runDir: string;
  runId: string;
  yes: boolean;
  interactive: boolean;
}
