/**
 * @aws-sdk/client-fis 3.523 (the newest line the registry serves) predates two changes of the FIS
 * API, and its serializer writes only the members it knows:
 *
 * - `experimentReportConfiguration` (CreateExperimentTemplate, 2024-11): dropped silently. The
 *   middleware below adds it to the serialized JSON body, exactly as the FIS API reference names
 *   it (https://docs.aws.amazon.com/fis/latest/APIReference/API_CreateExperimentTemplate.html).
 * - `startAfterDelay` on template actions is not a member of the FIS API at all; the SDK would
 *   copy it through (actions are copied as plain JSON), so it is removed before serialization.
 *   `drillproof validate` warns about it.
 *
 * Running before signing (the `build` step) keeps the SigV4 signature over the body AWS receives.
 */
interface BuildArgs {
  input: Record<string, unknown>;
  request: { headers?: Record<string, string>; body?: unknown };
}
type Next = (args: BuildArgs) => Promise<unknown>;
type Ctx = { commandName?: string };

export interface MiddlewareStackLike {
  add(
    mw: (next: Next, ctx: Ctx) => (args: BuildArgs) => Promise<unknown>,
    opts: { step: 'initialize' | 'build'; name: string; priority?: 'high' | 'low' },
  ): void;
}

/** Template actions without members the FIS API does not have. */
export function withoutUnmodelledActionMembers(input: Record<string, unknown>): Record<string, unknown> {
  const actions = input.actions as Record<string, Record<string, unknown>> | undefined;
  if (!actions || typeof actions !== 'object') return input;
  const clean: Record<string, Record<string, unknown>> = {};
  for (const [k, a] of Object.entries(actions)) {
    const { startAfterDelay: _dropped, ...rest } = a ?? {};
    clean[k] = rest;
  }
  return { ...input, actions: clean };
}

/** Adds the FIS members the pinned SDK line does not serialize. */
export function addFisWireMiddleware(stack: MiddlewareStackLike): void {
  stack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName !== 'CreateExperimentTemplateCommand') return next(args);
      return next({ ...args, input: withoutUnmodelledActionMembers(args.input) });
    },
    { step: 'initialize', name: 'drillproofFisUnmodelledMembers', priority: 'high' },
  );
  stack.add(
    (next, ctx) => async (args) => {
      const report = args.input.experimentReportConfiguration;
      if (ctx.commandName !== 'CreateExperimentTemplateCommand' || report === undefined) return next(args);
      const body = typeof args.request.body === 'string' ? (JSON.parse(args.request.body) as object) : {};
      const text = JSON.stringify({ ...body, experimentReportConfiguration: report });
      const headers = { ...(args.request.headers ?? {}) };
      if ('content-length' in headers) headers['content-length'] = String(Buffer.byteLength(text));
      args.request.body = text;
      args.request.headers = headers;
      return next(args);
    },
    { step: 'build', name: 'drillproofFisReportConfiguration', priority: 'low' },
  );
}
