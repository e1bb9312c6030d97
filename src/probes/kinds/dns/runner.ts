import { lookup, Resolver } from 'node:dns/promises';
import { classifyNetworkError, errorDetail } from '../../classify.js';
import type { ProbeCommon } from '../../config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../runner.js';

export interface DnsProbeConfig extends ProbeCommon {
  kind: 'dns';
  hostname: string;
  /** `lookup` uses the OS resolver (what applications see); A / AAAA / CNAME query DNS servers. */
  recordType: 'lookup' | 'A' | 'AAAA' | 'CNAME';
}

/**
 * DNS probe: resolves the name and records the sorted answers in the sample, so an endpoint flip
 * (RDS failover) is visible in the data. `lookup` goes through the OS resolver like applications.
 */
export class DnsProbe implements ProbeRunner {
  readonly kind = 'dns' as const;
  private readonly resolver = new Resolver({ timeout: -1, tries: 1 });
  constructor(private readonly cfg: DnsProbeConfig) {}

  async attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    const onAbort = () => this.resolver.cancel();
    a.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const answers = await this.resolve();
      return { ok: answers.length > 0, status: null, error: answers.length ? null : 'dns', answers: answers.sort() };
    } catch (err) {
      if (a.signal.aborted) return { ok: false, status: null, error: 'timeout' };
      return { ok: false, status: null, error: classifyNetworkError(err), detail: errorDetail(err) };
    } finally {
      a.signal.removeEventListener('abort', onAbort);
    }
  }

  private async resolve(): Promise<string[]> {
    const { hostname, recordType } = this.cfg;
    switch (recordType) {
      case 'lookup':
        return (await lookup(hostname, { all: true })).map((r) => r.address);
      case 'A':
        return this.resolver.resolve4(hostname);
      case 'AAAA':
        return this.resolver.resolve6(hostname);
      case 'CNAME':
        return this.resolver.resolveCname(hostname);
    }
  }

  async close(): Promise<void> {
    this.resolver.cancel();
  }
}
