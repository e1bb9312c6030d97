import { CreateExperimentTemplateCommand, GetExperimentCommand, StartExperimentCommand } from '@aws-sdk/client-fis';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  RequestTooLargeException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { labReset } from '../../src/lab/lab.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ aurora: false, lambda: true, lambdaFisPollMs: 200 });

const client = () =>
  new LambdaClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: lab.info().credentials,
    maxAttempts: 1,
  });
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');

async function fisRun(actionId: string, parameters: Record<string, string>, fn = 'lab-orders') {
  const { fis } = labClients(lab.info());
  const arn = lab.info().lambda?.functions.find((f) => f.name === fn)?.arn ?? '';
  const tpl = await fis.send(
    new CreateExperimentTemplateCommand({
      description: actionId,
      roleArn: 'arn:aws:iam::000000000000:role/fis',
      stopConditions: [{ source: 'none' }],
      targets: { fns: { resourceType: 'aws:lambda:function', resourceArns: [`${arn}:$LATEST`], selectionMode: 'ALL' } },
      actions: { a: { actionId, parameters, targets: { Functions: 'fns' } } },
    }),
  );
  const e = await fis.send(new StartExperimentCommand({ experimentTemplateId: tpl.experimentTemplate?.id }));
  const id = e.experiment?.id ?? '';
  await eventually(
    async () => (await fis.send(new GetExperimentCommand({ id }))).experiment?.state?.status === 'running',
    10_000,
  );
  // The extension reads its configuration every 200 ms here.
  await new Promise((r) => setTimeout(r, 600));
  return {
    done: () =>
      eventually(
        async () => (await fis.send(new GetExperimentCommand({ id }))).experiment?.state?.status === 'completed',
        30_000,
      ),
  };
}

describe('Lambda in the lab', () => {
  it('GetFunction / GetFunctionConfiguration show the FIS prerequisites; unknown functions are 404', async () => {
    const l = client();
    const f = await l.send(new GetFunctionCommand({ FunctionName: 'lab-orders' }));
    expect(f.Configuration).toMatchObject({
      FunctionName: 'lab-orders',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:lab-orders',
      Runtime: 'nodejs20.x',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      Version: '$LATEST',
      Timeout: 3,
      Environment: {
        Variables: {
          AWS_FIS_CONFIGURATION_LOCATION: 'arn:aws:s3:::lab-fis-config/FisConfigs/',
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
        },
      },
    });
    expect(f.Configuration?.Layers?.[0]?.Arn).toMatch(
      /^arn:aws:lambda:us-east-1:\d{12}:layer:aws-fis-extension-x86_64:\d+$/,
    );
    expect(f.Tags).toMatchObject({ drillproof: 'allowed' });
    const w = await l.send(new GetFunctionConfigurationCommand({ FunctionName: 'lab-worker' }));
    expect(w.Layers).toBeUndefined();
    expect(w.Environment?.Variables?.AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    expect((await l.send(new ListFunctionsCommand({}))).Functions?.map((x) => x.FunctionName).sort()).toEqual([
      'lab-orders',
      'lab-worker',
    ]);
    const missing = await l.send(new GetFunctionCommand({ FunctionName: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    await expect(l.send(new GetFunctionCommand({ FunctionName: 'lab-orders', Qualifier: '7' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('Invoke: RequestResponse with LogResult, Event 202, DryRun 204, function errors, timeouts, payload limits', async () => {
    const l = client();
    const ok = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({ a: 1 }), LogType: 'Tail' }));
    expect(ok.StatusCode).toBe(200);
    expect(ok.ExecutedVersion).toBe('$LATEST');
    expect(ok.FunctionError).toBeUndefined();
    expect(JSON.parse(dec(ok.Payload))).toMatchObject({ ok: true, function: 'lab-orders' });
    const log = Buffer.from(ok.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toMatch(
      /\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/,
    );
    const noTail = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}) }));
    expect(noTail.LogResult).toBeUndefined();
    expect(
      (await l.send(new InvokeCommand({ FunctionName: 'lab-orders', InvocationType: 'Event', Payload: enc({}) })))
        .StatusCode,
    ).toBe(202);
    expect((await l.send(new InvokeCommand({ FunctionName: 'lab-orders', InvocationType: 'DryRun' }))).StatusCode).toBe(
      204,
    );
    const err = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({ fail: 'boom' }) }));
    expect(err.StatusCode).toBe(200);
    expect(err.FunctionError).toBe('Unhandled');
    expect(JSON.parse(dec(err.Payload))).toMatchObject({ errorType: 'Error', errorMessage: 'boom' });
    const slow = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({ sleepMs: 5000 }) }));
    expect(slow.FunctionError).toBe('Unhandled');
    expect(JSON.parse(dec(slow.Payload))).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(JSON.parse(dec(slow.Payload)).errorMessage).toMatch(/Task timed out after 3\.00 seconds$/);
    await expect(
      l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: new Uint8Array(6 * 1024 * 1024 + 10).fill(32) })),
    ).rejects.toBeInstanceOf(RequestTooLargeException);
    const big = await l.send(
      new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({ bytes: 7 * 1024 * 1024 }) }),
    );
    expect(big.FunctionError).toBe('Unhandled');
    expect(JSON.parse(dec(big.Payload)).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('reserved concurrency: 0 throttles every invocation with TooManyRequestsException, 1 throttles the second in flight', async () => {
    const l = client();
    expect(await l.send(new GetFunctionConcurrencyCommand({ FunctionName: 'lab-orders' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    const put = await l.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'lab-orders', ReservedConcurrentExecutions: 0 }),
    );
    expect(put.ReservedConcurrentExecutions).toBe(0);
    expect(
      (await l.send(new GetFunctionConcurrencyCommand({ FunctionName: 'lab-orders' }))).ReservedConcurrentExecutions,
    ).toBe(0);
    const e = (await l
      .send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}) }))
      .catch((x: unknown) => x)) as TooManyRequestsException;
    expect(e).toBeInstanceOf(TooManyRequestsException);
    expect(e.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(e.$metadata.httpStatusCode).toBe(429);
    expect(e.message).toBe('Rate Exceeded.');
    // The function URL answers 429 too.
    const url = lab.info().lambda?.functions.find((f) => f.name === 'lab-orders')?.url ?? '';
    expect((await fetch(url)).status).toBe(429);
    await l.send(new PutFunctionConcurrencyCommand({ FunctionName: 'lab-orders', ReservedConcurrentExecutions: 1 }));
    const results = await Promise.allSettled(
      [0, 1, 2].map(() => l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({ sleepMs: 500 }) }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof TooManyRequestsException)).toHaveLength(
      2,
    );
    await expect(
      l.send(new PutFunctionConcurrencyCommand({ FunctionName: 'lab-worker', ReservedConcurrentExecutions: 950 })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await l.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'lab-orders' }));
    expect((await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}) }))).StatusCode).toBe(200);
  });

  it('the function URL serves HTTP on loopback; lab reset clears reserved concurrency', async () => {
    const l = client();
    const cfg = await l.send(new GetFunctionUrlConfigCommand({ FunctionName: 'lab-orders' }));
    expect(cfg).toMatchObject({
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      FunctionArn: lab.info().lambda?.functions[0]?.arn,
    });
    expect(cfg.FunctionUrl).toBe(lab.info().lambda?.functions.find((f) => f.name === 'lab-orders')?.url);
    const r = await fetch(`${cfg.FunctionUrl}orders?sleepMs=1`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, function: 'lab-orders' });
    expect((await fetch(`${cfg.FunctionUrl}?fail=x`)).status).toBe(502);
    await expect(l.send(new GetFunctionUrlConfigCommand({ FunctionName: 'lab-worker' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await l.send(new PutFunctionConcurrencyCommand({ FunctionName: 'lab-orders', ReservedConcurrentExecutions: 0 }));
    await labReset({ dir: lab.dir() });
    expect(await l.send(new GetFunctionConcurrencyCommand({ FunctionName: 'lab-orders' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  });

  it('FIS invocation-add-delay delays invocations; http-integration-response answers the function URL with its status', async () => {
    const l = client();
    const delay = await fisRun('aws:lambda:invocation-add-delay', {
      duration: 'PT3S',
      startupDelayMilliseconds: '700',
    });
    const t0 = performance.now();
    const r = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}), LogType: 'Tail' }));
    const ms = performance.now() - t0;
    expect(r.StatusCode).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(700);
    expect(Buffer.from(r.LogResult ?? '', 'base64').toString()).toContain('FIS extension: adding 700 ms startup delay');
    const w0 = performance.now();
    await l.send(new InvokeCommand({ FunctionName: 'lab-worker', Payload: enc({}) }));
    expect(performance.now() - w0).toBeLessThan(600);
    await delay.done();

    const http = await fisRun('aws:lambda:invocation-http-integration-response', {
      duration: 'PT3S',
      statusCode: '503',
      contentTypeHeader: 'application/json',
      preventExecution: 'false',
    });
    const url = lab.info().lambda?.functions.find((f) => f.name === 'lab-orders')?.url ?? '';
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    // preventExecution false: the function ran (its log line is there) before the answer was replaced.
    const inv = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}), LogType: 'Tail' }));
    const log = Buffer.from(inv.LogResult ?? '', 'base64').toString();
    expect(log).toContain('handling an event');
    expect(log).toContain('FIS extension: injecting HTTP integration response 503');
    await http.done();
    expect((await fetch(url)).status).toBe(200);
  });

  it('FIS invocation-error with preventExecution true fails without running the function, at the invocation percentage', async () => {
    const l = client();
    const run = await fisRun('aws:lambda:invocation-error', { duration: 'PT4S', invocationPercentage: '50' });
    const outcomes: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await l.send(new InvokeCommand({ FunctionName: 'lab-orders', Payload: enc({}), LogType: 'Tail' }));
      outcomes.push(r.FunctionError ?? 'ok');
      if (r.FunctionError) {
        const log = Buffer.from(r.LogResult ?? '', 'base64').toString();
        expect(log).not.toContain('handling an event');
        expect(JSON.parse(dec(r.Payload)).errorMessage).toBe('Error injected by AWS FIS');
      }
    }
    const errors = outcomes.filter((o) => o === 'Unhandled').length;
    // 60 draws at 50 %: outside 12..48 has probability below 1e-5.
    expect(errors).toBeGreaterThan(12);
    expect(errors).toBeLessThan(48);
    await run.done();
  });
  it('tags the function by its unqualified ARN (the lease): TagResource, ListTags, UntagResource, with Lambda errors', async () => {
    const l = client();
    const Resource = lab.info().lambda?.functionArn as string;
    const before = (await l.send(new ListTagsCommand({ Resource }))).Tags ?? {};
    await l.send(new TagResourceCommand({ Resource, Tags: { 'drillproof:lease': 'run-a@x' } }));
    expect((await l.send(new ListTagsCommand({ Resource }))).Tags).toEqual({
      ...before,
      'drillproof:lease': 'run-a@x',
    });
    // GetFunction answers the same tags.
    expect((await l.send(new GetFunctionCommand({ FunctionName: Resource }))).Tags?.['drillproof:lease']).toBe(
      'run-a@x',
    );
    await l.send(new UntagResourceCommand({ Resource, TagKeys: ['drillproof:lease'] }));
    expect((await l.send(new ListTagsCommand({ Resource }))).Tags).toEqual(before);
    // Versions and aliases carry no tags; a name is not an ARN; an unknown function is 404.
    await expect(
      l.send(new TagResourceCommand({ Resource: `${Resource}:live`, Tags: { k: 'v' } })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(l.send(new ListTagsCommand({ Resource: 'lab-orders' }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      l.send(new ListTagsCommand({ Resource: Resource.replace(/function:.*/, 'function:nope') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(l.send(new TagResourceCommand({ Resource, Tags: { 'aws:x': 'v' } }))).rejects.toBeInstanceOf(
      InvalidParameterValueException,
    );
    l.destroy();
  });
});
