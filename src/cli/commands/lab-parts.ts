import type { LabInfo } from '../../index.js';

/** `lab up` lines for the optional services (ECS, Lambda, ElastiCache). */
export function partLines(info: LabInfo): string[] {
  const out: string[] = [];
  if (info.ecs) {
    out.push(
      `  ecs           ${info.ecs.clusterName}/${info.ecs.serviceName} (${info.ecs.desiredCount} tasks) via ALB ${info.ecs.url}`,
    );
  }
  for (const f of info.lambda?.functions ?? []) {
    out.push(`  lambda        ${f.name}${f.url ? ` url ${f.url}` : ''}${f.fisReady ? ' (FIS extension)' : ''}`);
  }
  const ec = info.elasticache;
  for (const g of ec?.replicationGroups ?? []) {
    const e = g.primaryEndpoint ?? g.configurationEndpoint;
    out.push(
      `  elasticache   ${g.id} (cluster mode ${g.clusterMode ? 'on' : 'off'}) ${g.clusterMode ? 'configuration' : 'primary'} ${e?.host}:${e?.port}${g.readerEndpoint ? `, reader ${g.readerEndpoint.host}:${g.readerEndpoint.port}` : ''}${ec?.tls ? ' (TLS)' : ''}`,
    );
  }
  if (info.asg) {
    out.push(
      `  asg           ${info.asg.groupName} (desired ${info.asg.desiredCapacity}, ${info.asg.healthCheckType} health checks) ${info.asg.instanceIds.join(', ')}`,
    );
  }
  if (ec?.authTokenEnv) out.push(`  redis auth    export ${ec.authTokenEnv}='${ec.authToken}'  (CA ${ec.caFile})`);
  return out;
}

interface PartStatus {
  asg?: {
    name: string;
    desiredCapacity: number;
    instances: { id: string; az: string; lifecycleState: string; healthStatus: string }[];
    suspendedProcesses: string[];
  };
  ecs?: {
    desiredCount: number;
    runningCount: number;
    pendingCount: number;
    tasks: { id: string; az: string; lastStatus: string; target?: string }[];
  };
  lambda?: { name: string; state: string; reservedConcurrency: number | null }[];
  elasticache?: {
    id: string;
    status: string;
    nodeGroups?: { id: string; nodes: { id: string; az: string; role: string }[] }[];
  }[];
}

/** `lab status` lines for the optional services. */
export function partStatusLines(detail: unknown): string[] {
  const d = (detail ?? {}) as PartStatus;
  const out: string[] = [];
  if (d.ecs) {
    out.push(`  ecs lab-api desired ${d.ecs.desiredCount} running ${d.ecs.runningCount} pending ${d.ecs.pendingCount}`);
    for (const t of d.ecs.tasks)
      out.push(`    task ${t.id.slice(0, 12)} ${t.az} ${t.lastStatus} target ${t.target ?? 'not registered'}`);
  }
  for (const f of d.lambda ?? []) {
    out.push(
      `  lambda ${f.name} ${f.state}${f.reservedConcurrency !== null ? ` reserved concurrency ${f.reservedConcurrency}` : ''}`,
    );
  }
  if (d.asg) {
    const sp = d.asg.suspendedProcesses;
    out.push(
      `  asg ${d.asg.name} desired ${d.asg.desiredCapacity}${sp.length > 0 ? `, suspended ${sp.join(', ')}` : ''}: ${d.asg.instances.map((i) => `${i.id} ${i.az} ${i.lifecycleState} ${i.healthStatus}`).join(', ')}`,
    );
  }
  for (const g of d.elasticache ?? []) {
    const roles = (g.nodeGroups ?? []).flatMap((ng) => ng.nodes.map((n) => `${n.id} ${n.role} ${n.az}`));
    out.push(`  elasticache ${g.id} ${g.status}: ${roles.join(', ')}`);
  }
  return out;
}
