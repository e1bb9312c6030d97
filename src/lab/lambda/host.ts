/**
 * One lab "Lambda execution environment": a process that runs the function code for every
 * invocation the lab's Lambda service hands it (POST /invoke on loopback). When the FIS extension
 * is in place (its layer attached and AWS_LAMBDA_EXEC_WRAPPER=/opt/aws-fis/bootstrap), it polls the
 * S3 configuration location and applies the FIS faults, as the real extension does inside the
 * environment; without the layer nothing reads the configuration, so FIS actions have no effect.
 */
import { createServer } from 'node:http';
import {
  FIS_EXEC_WRAPPER,
  type FisFaultConfig,
  hasFisLayer,
  readFaultConfigs,
  s3LocationDir,
} from './fis-extension.js';
import { handler } from './handler.js';

const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'unknown';
const version = process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST';
const arn = process.env.LAB_FUNCTION_ARN ?? '';
const port = Number(process.env.LAB_PORT ?? '0');
const layers = (process.env.LAB_LAYERS ?? '').split(',').filter(Boolean);
const pollMs = Number(process.env.LAB_FIS_POLL_MS ?? '60000');
const s3Root = process.env.LAB_S3_ROOT ?? '';

const wrapperActive = hasFisLayer(layers) && process.env.AWS_LAMBDA_EXEC_WRAPPER === FIS_EXEC_WRAPPER;
const configDir = wrapperActive ? s3LocationDir(s3Root, process.env.AWS_FIS_CONFIGURATION_LOCATION) : undefined;
let faults: FisFaultConfig[] = [];
if (configDir) {
  const poll = () => {
    faults = readFaultConfigs(configDir, arn, version);
  };
  poll();
  setInterval(poll, pollMs).unref();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hit = (c: FisFaultConfig) => Math.random() * 100 < c.invocationPercentage;

type Outcome =
  | { kind: 'result'; payload: unknown; logs: string[] }
  | { kind: 'error'; errorType: string; errorMessage: string; trace?: string[]; logs: string[] };

async function invoke(event: unknown, requestId: string): Promise<Outcome> {
  const logs: string[] = [];
  const log = (line: string) => logs.push(`${new Date().toISOString()}\t${requestId}\tINFO\t${line}`);
  const now = Date.now();
  const active = faults.filter((f) => f.expiresAt > now);
  for (const f of active.filter((x) => x.actionId === 'aws:lambda:invocation-add-delay')) {
    if (hit(f)) {
      log(`FIS extension: adding ${f.startupDelayMilliseconds ?? 1000} ms startup delay`);
      await sleep(f.startupDelayMilliseconds ?? 1000);
    }
  }
  const error = active.find((x) => x.actionId === 'aws:lambda:invocation-error' && hit(x));
  const http = error
    ? undefined
    : active.find((x) => x.actionId === 'aws:lambda:invocation-http-integration-response' && hit(x));
  const injected = error ?? http;
  let real: Outcome | undefined;
  if (!injected?.preventExecution) {
    try {
      const payload = await handler(event, {
        functionName: name,
        functionVersion: version,
        awsRequestId: requestId,
        log,
      });
      real = { kind: 'result', payload, logs };
    } catch (e) {
      const err = e as Error;
      real = {
        kind: 'error',
        errorType: err.name || 'Error',
        errorMessage: err.message,
        trace: (err.stack ?? '').split('\n'),
        logs,
      };
    }
  }
  if (error) {
    log('FIS extension: injecting an invocation error');
    return { kind: 'error', errorType: 'FisInjectedError', errorMessage: 'Error injected by AWS FIS', logs };
  }
  if (http) {
    log(`FIS extension: injecting HTTP integration response ${http.statusCode}`);
    return {
      kind: 'result',
      payload: { statusCode: http.statusCode, headers: { 'Content-Type': http.contentTypeHeader }, body: '' },
      logs,
    };
  }
  return real as Outcome;
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const requestId = String(req.headers['x-request-id'] ?? '');
    const raw = Buffer.concat(chunks).toString('utf8');
    let event: unknown = {};
    try {
      event = raw ? JSON.parse(raw) : {};
    } catch {
      event = raw;
    }
    void invoke(event, requestId).then((out) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    `function ${name} listening on 127.0.0.1:${port} (FIS extension ${wrapperActive ? 'on' : 'off'})\n`,
  );
});
const shutdown = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
