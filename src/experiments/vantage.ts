import { type MessageSink, message } from '../io/messages.js';

/**
 * Where the probes run, from EC2 instance metadata (IMDSv2), to warn when they run inside the
 * Availability Zone the drill impairs: the probe would then lose its own network path and
 * measure its own outage, not the users'. Off EC2 (no metadata answer within the timeout) there
 * is nothing to say. The metadata base URL is injectable: tests answer on loopback.
 */
export const IMDS_BASE_URL = 'http://169.254.169.254';

export interface Vantage {
  availabilityZone: string;
  region: string | null;
}

export async function probeVantage(
  o: { baseUrl?: string; timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<Vantage | null> {
  const base = (o.baseUrl ?? IMDS_BASE_URL).replace(/\/$/, '');
  const f = o.fetchImpl ?? fetch;
  const signal = () => AbortSignal.timeout(o.timeoutMs ?? 500);
  try {
    const tokenRes = await f(`${base}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' },
      signal: signal(),
    });
    if (!tokenRes.ok) return null;
    const token = await tokenRes.text();
    const get = async (path: string) => {
      const r = await f(`${base}/latest/meta-data/${path}`, {
        headers: { 'X-aws-ec2-metadata-token': token },
        signal: signal(),
      });
      return r.ok ? (await r.text()).trim() : null;
    };
    const availabilityZone = await get('placement/availability-zone');
    if (!availabilityZone) return null;
    return { availabilityZone, region: await get('placement/region') };
  } catch {
    return null;
  }
}

/** The AZs a scenario impairs (az-impairment faults). */
export function impairedAzs(scenario: { steps: { faults: readonly { type: string }[] } }): string[] {
  return scenario.steps.faults
    .filter((f): f is { type: 'az-impairment'; az: string } => f.type === 'az-impairment' && 'az' in f)
    .map((f) => f.az);
}

/**
 * Preflight warning (not an error: a drill may want exactly that view) when the probes run in an
 * impaired AZ. Returns the vantage point found, for the journal and the tests.
 */
export async function warnIfProbeInImpairedAz(
  scenario: { steps: { faults: readonly { type: string }[] } },
  sink: MessageSink,
  o: { baseUrl?: string; timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<Vantage | null> {
  const azs = impairedAzs(scenario);
  if (azs.length === 0) return null;
  const v = await probeVantage(o);
  if (v && azs.includes(v.availabilityZone))
    sink.emit(
      message(
        'warn',
        'DP_RUN_W1201',
        `the probes run on an EC2 instance in ${v.availabilityZone}, the Availability Zone this drill impairs: they would measure their own loss of network, not what users see; run drillproof from another AZ or region (docs/scaling.md)`,
        { vantage: v, impaired: azs },
      ),
    );
  return v;
}
