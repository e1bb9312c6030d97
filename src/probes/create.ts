import type { AnchoredClock } from '../util/clock.js';
import type { ProbeConfig } from './config.js';
import type { CredentialContext } from './credentials.js';
import { DnsProbe } from './kinds/dns.js';
import { HeartbeatProbe } from './kinds/heartbeat.js';
import { HttpProbe } from './kinds/http.js';
import { MysqlHeartbeatDriver } from './kinds/mysql.js';
import { PostgresHeartbeatDriver } from './kinds/postgres.js';
import { TcpProbe } from './kinds/tcp.js';
import type { ProbeRunner } from './runner.js';

export interface RunnerContext {
  runId: string;
  clock: AnchoredClock;
  credentials: CredentialContext;
}

/** The explicit registry of probe kinds (no registration by import side effects). */
export function createProbeRunner(cfg: ProbeConfig, ctx: RunnerContext): ProbeRunner {
  switch (cfg.kind) {
    case 'http':
      return new HttpProbe(cfg);
    case 'tcp':
      return new TcpProbe(cfg);
    case 'dns':
      return new DnsProbe(cfg);
    case 'postgres-heartbeat':
      return new HeartbeatProbe(cfg, new PostgresHeartbeatDriver(cfg, ctx.credentials), ctx.runId, ctx.clock);
    case 'mysql-heartbeat':
      return new HeartbeatProbe(cfg, new MysqlHeartbeatDriver(cfg, ctx.credentials), ctx.runId, ctx.clock);
  }
}
