import { join } from 'node:path';
import { lambdaHandler } from '../api/lambda.js';
import type { LabPart, LabPartContext } from '../part.js';
import { lambdaFisActions, lambdaResources } from './fis-actions.js';
import { FIS_CONFIG_LOCATION, LAB_FUNCTIONS } from './functions.js';
import { LambdaLab } from './service.js';
import { FunctionUrlServer } from './url.js';

/** lab.json `lambda`: the functions, their function URLs and the FIS configuration location. */
export interface LambdaLabInfo {
  /** The function prepared for the FIS Lambda actions (`${lab.lambda.functionName}` ...). */
  functionName: string;
  functionArn: string;
  functionUrl: string;
  functions: { name: string; arn: string; url?: string; fisReady: boolean }[];
  fisConfigurationLocation: string;
}

export async function startLambdaPart(ctx: LabPartContext): Promise<LabPart> {
  const s3Root = join(ctx.runtimeDir, 's3');
  const lab = new LambdaLab({
    registry: ctx.registry,
    logsDir: ctx.logsDir,
    cwd: ctx.cwd,
    s3Root,
    fisPollMs: ctx.options.lambdaFisPollMs,
    freePort: ctx.freePort,
  });
  await lab.start(LAB_FUNCTIONS);
  const urls = new Map<string, FunctionUrlServer>();
  for (const f of lab.functions.values()) {
    if (!f.url) continue;
    const s = new FunctionUrlServer(lab, f);
    f.urlPort = await s.listen();
    urls.set(f.name, s);
  }
  const urlOf = (f: { name: string; urlPort: number | undefined }) =>
    f.urlPort === undefined ? undefined : `http://127.0.0.1:${f.urlPort}/`;
  const main = lab.get('lab-orders');
  const info: LambdaLabInfo = {
    functionName: main.name,
    functionArn: main.arn,
    functionUrl: urlOf(main) ?? '',
    functions: [...lab.functions.values()].map((f) => ({
      name: f.name,
      arn: f.arn,
      ...(urlOf(f) ? { url: urlOf(f) } : {}),
      fisReady: f.layers.length > 0,
    })),
    fisConfigurationLocation: FIS_CONFIG_LOCATION,
  };
  return {
    name: 'lambda',
    info: { lambda: info },
    rest: { lambda: lambdaHandler(lab, urlOf) },
    fisResources: { 'aws:lambda:function': () => lambdaResources(lab) },
    fisActions: lambdaFisActions(lab, s3Root),
    status: () =>
      [...lab.functions.values()].map((f) => ({
        name: f.name,
        state: f.child ? 'Active' : 'Failed',
        reservedConcurrency: f.reserved ?? null,
        inflight: f.inflight,
      })),
    reset: () => lab.reset(),
    shutdown: async () => {
      await Promise.all([...urls.values()].map((u) => u.close()));
      await lab.shutdown();
    },
  };
}
