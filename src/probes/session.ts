import type { AwsTarget } from '../aws/clients.js';
import type { MessageSink } from '../io/messages.js';
import type { RunWrites } from '../run/disk.js';
import type { Sample } from '../run/samples.js';
import type { AnchoredClock } from '../util/clock.js';
import type { CredentialContext } from './credentials.js';
import { type ProbeRunHandle, startProbes } from './engine.js';
import { probeConfigsFromScenario } from './scenario-config.js';

/** The probe session the drill engine drives (its `ProbeSession` port), plus the full handle. */
export interface ScenarioProbeSession {
  handle: ProbeRunHandle;
  onSample(listener: (s: Sample) => void): void;
  intervals(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts a variable-resolved scenario's probes on the run's timeline (the journal's anchored
 * clock), writing `<runDir>/samples/`. `stop()` also reads heartbeats back.
 */
export async function startScenarioProbes(i: {
  scenario: { probes?: readonly unknown[]; target?: { region?: string; endpoint?: string } };
  runDir: string;
  runId: string;
  timeline: AnchoredClock;
  sink?: MessageSink;
  env?: NodeJS.ProcessEnv;
  credentials?: CredentialContext;
  /** Directory of the scenario file (relative `{file: ...}` passwords). */
  baseDir?: string;
  /** Where the drill's AWS calls go; probes that call AWS (lambda) use the same target. */
  aws?: AwsTarget;
  signal?: AbortSignal;
  writes?: RunWrites;
}): Promise<ScenarioProbeSession> {
  const probes = probeConfigsFromScenario(i.scenario, {
    ...(i.baseDir ? { baseDir: i.baseDir } : {}),
    ...(i.aws ? { aws: i.aws } : {}),
  });
  const handle = await startProbes({
    probes,
    outDir: i.runDir,
    runId: i.runId,
    clock: i.timeline,
    credentials: i.credentials ?? { env: i.env ?? {} },
    ...(i.sink ? { sink: i.sink } : {}),
    ...(i.signal ? { signal: i.signal } : {}),
    ...(i.writes ? { writes: i.writes } : {}),
  });
  return {
    handle,
    onSample: (l) => {
      handle.subscribe(l);
    },
    intervals: () => Object.fromEntries(probes.map((p) => [p.name, p.intervalMs])),
    stop: async () => {
      await handle.stop();
    },
  };
}
