import { TooManyRequestsException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { type LambdaInvoker, LambdaProbe, type LambdaProbeConfig } from '../../src/probes/kinds/lambda/runner.js';

const cfg = (expect: Partial<LambdaProbeConfig['expect']> = {}): LambdaProbeConfig => ({
  kind: 'lambda',
  name: 'fn',
  functionName: 'f',
  intervalMs: 100,
  timeoutMs: 1000,
  maxInFlight: 10,
  expect: { status: [200], functionError: false, ...expect },
  aws: { region: 'us-east-1' },
});

/** A stand-in client answering one canned outcome (the lab test covers the real client). */
function invoker(answer: (signal: AbortSignal) => Promise<unknown>): LambdaInvoker & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    invoke: (input, o) => {
      sent.push(input);
      return answer(o.abortSignal ?? new AbortController().signal) as never;
    },
    destroy: () => {},
  };
}
const attempt = (p: LambdaProbe, signal = new AbortController().signal) => p.attempt({ seq: 0, scheduled: 0, signal });
const out = (o: object) => async () => ({ $metadata: { httpStatusCode: 200 }, StatusCode: 200, ...o });
const body = (s: string) => new TextEncoder().encode(s);

describe('lambda probe outcomes', () => {
  it('a 200 without a function error and with the body is ok; the payload is the configured event', async () => {
    const inv = invoker(out({ Payload: body('{"ok":true}'), ExecutedVersion: '$LATEST' }));
    const p = new LambdaProbe({ ...cfg({ bodyContains: '"ok":true' }), payload: '{"a":1}' }, inv);
    expect(await attempt(p)).toEqual({ ok: true, status: 200, error: null, backend: '$LATEST' });
    expect(inv.sent[0]).toMatchObject({ FunctionName: 'f', InvocationType: 'RequestResponse' });
    expect(new TextDecoder().decode((inv.sent[0] as { Payload: Uint8Array }).Payload)).toBe('{"a":1}');
  });

  it('classifies function errors, unexpected statuses, body mismatches and an expected error', async () => {
    const fe = invoker(
      out({ FunctionError: 'Unhandled', Payload: body('{"errorType":"Error","errorMessage":"boom"}') }),
    );
    expect(await attempt(new LambdaProbe(cfg(), fe))).toMatchObject({
      ok: false,
      error: 'function_error',
      detail: 'Unhandled: Error: boom',
    });
    expect(await attempt(new LambdaProbe(cfg({ functionError: true }), fe))).toMatchObject({ ok: true });
    expect(await attempt(new LambdaProbe(cfg({ functionError: true }), invoker(out({}))))).toMatchObject({
      ok: false,
      error: 'function_error',
    });
    expect(await attempt(new LambdaProbe(cfg({ status: [202] }), invoker(out({}))))).toMatchObject({
      ok: false,
      error: 'http_status',
      status: 200,
    });
    expect(
      await attempt(new LambdaProbe(cfg({ bodyMatches: '^\\{"ok"' }), invoker(out({ Payload: body('[]') })))),
    ).toMatchObject({
      ok: false,
      error: 'body_mismatch',
    });
  });

  it('throttling is `throttled` with status 429; a deadline abort is a timeout', async () => {
    const t = invoker(async () => {
      throw new TooManyRequestsException({
        message: 'Rate Exceeded.',
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        $metadata: { httpStatusCode: 429 },
      });
    });
    expect(await attempt(new LambdaProbe(cfg(), t))).toMatchObject({
      ok: false,
      status: 429,
      error: 'throttled',
      detail: 'TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)',
    });
    const hang = invoker(
      (signal) =>
        new Promise((_r, reject) =>
          signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
        ),
    );
    const ctl = new AbortController();
    const pending = attempt(new LambdaProbe(cfg(), hang), ctl.signal);
    ctl.abort();
    expect(await pending).toMatchObject({ ok: false, status: null, error: 'timeout' });
  });
});
