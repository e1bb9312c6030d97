import { randomUUID } from 'node:crypto';
import type { LabFunction, LambdaLab } from '../lambda/service.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { isReadAction, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiReply, ApiRequest } from './protocol.js';

/** Members named `Message` (capitalised) in the Lambda model; the other errors use `message`. */
const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException']);

export function lambdaError(e: ApiError & { extra?: Record<string, unknown> }): ApiReply {
  const body = {
    Type: e.status >= 500 ? 'Service' : 'User',
    [CAPITAL_MESSAGE.has(e.code) ? 'Message' : 'message']: e.message,
    ...(e.extra ?? {}),
  };
  return {
    status: e.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': e.code,
      'x-amzn-requestid': randomUUID(),
      ...(e.status === 429 ? { 'retry-after': '1' } : {}),
    },
    body: JSON.stringify(body),
  };
}

const json = (status: number, value: unknown): ApiReply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
  body: value === undefined ? '' : JSON.stringify(value),
});

export function functionConfiguration(f: LabFunction) {
  return {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${LAB_ACCOUNT_ID}:role/lab-lambda-role`,
    Handler: 'index.handler',
    CodeSize: 1024,
    Description: f.description,
    Timeout: f.timeoutSeconds,
    MemorySize: f.memoryMb,
    LastModified: f.lastModified.toISOString().replace('Z', '+0000'),
    CodeSha256: f.codeSha256,
    Version: '$LATEST',
    Environment: Object.keys(f.environment).length > 0 ? { Variables: { ...f.environment } } : undefined,
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: f.revisionId,
    Layers: f.layers.length > 0 ? f.layers.map((Arn) => ({ Arn, CodeSize: 4_000_000 })) : undefined,
    State: f.child ? 'Active' : 'Failed',
    ...(f.child ? {} : { StateReason: 'The execution environment is not running.', StateReasonCode: 'InternalError' }),
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: {
      RuntimeVersionArn:
        'arn:aws:lambda:us-east-1::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9',
    },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  };
}

const FN = '([^/]+)';
const ROUTES: [string, RegExp, string][] = [
  ['POST', new RegExp(`^/2015-03-31/functions/${FN}/invocations$`), 'Invoke'],
  ['GET', new RegExp(`^/2015-03-31/functions/${FN}$`), 'GetFunction'],
  ['GET', new RegExp(`^/2015-03-31/functions/${FN}/configuration$`), 'GetFunctionConfiguration'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', new RegExp(`^/2019-09-30/functions/${FN}/concurrency$`), 'GetFunctionConcurrency'],
  ['PUT', new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`), 'PutFunctionConcurrency'],
  ['DELETE', new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`), 'DeleteFunctionConcurrency'],
  ['GET', new RegExp(`^/2021-10-31/functions/${FN}/url$`), 'GetFunctionUrlConfig'],
  ['GET', /^\/2017-03-31\/tags\/(.+)$/, 'ListTags'],
  ['POST', /^\/2017-03-31\/tags\/(.+)$/, 'TagResource'],
  ['DELETE', /^\/2017-03-31\/tags\/(.+)$/, 'UntagResource'],
];

const TAGGABLE =
  /^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

/**
 * The function a tag call names: the tag calls take an ARN only (the model's pattern), and Lambda
 * tags the function, not a version or alias.
 */
function taggedFunction(lab: LambdaLab, arn: string): LabFunction {
  if (!TAGGABLE.test(arn)) {
    throw new ApiError(
      'ValidationException',
      `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAGGABLE.source}`,
    );
  }
  if (arn.split(':').length > 7) {
    throw new ApiError('InvalidParameterValueException', 'Tags are not supported on function versions or aliases.');
  }
  return lab.get(arn);
}

/** TagResource's body: `{"Tags": {key: value}}`; keys starting with `aws:` are AWS's own. */
function tagsOfBody(body: string): Record<string, string> {
  let tags: unknown;
  try {
    tags = (JSON.parse(body || '{}') as { Tags?: unknown }).Tags;
  } catch {
    throw new ApiError('InvalidRequestContentException', 'Could not parse request body into json');
  }
  if (typeof tags !== 'object' || tags === null || Object.keys(tags).length === 0) {
    throw new ApiError('InvalidParameterValueException', 'Tags must not be empty.');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags as Record<string, unknown>)) {
    if (k.toLowerCase().startsWith('aws:')) {
      throw new ApiError('InvalidParameterValueException', 'Tag keys starting with aws: are reserved.');
    }
    out[k] = String(v);
  }
  return out;
}

/** The Lambda operation of a request and the function (or tagged resource) its path names. */
export function lambdaRoute(method: string, path: string): { op: string; name: string | undefined } | undefined {
  for (const [m, re, op] of ROUTES) {
    const match = m === method ? re.exec(path) : null;
    if (match) return { op, name: match[1] ? decodeURIComponent(match[1]) : undefined };
  }
  return undefined;
}

/** Lambda over restJson1: routes by method and path as the SDK sends them. */
export function lambdaHandler(lab: LambdaLab, urlOf: (f: LabFunction) => string | undefined) {
  return async (req: ApiRequest): Promise<ApiReply> => {
    try {
      const route = ROUTES.map(([m, re, op]) => ({ m, match: re.exec(req.path), op })).find(
        (r) => r.m === req.method && r.match,
      );
      if (!route?.match)
        throw new ApiError('UnknownOperationException', `no Lambda route for ${req.method} ${req.path}`, 404);
      const op = route.op;
      if (!isReadAction(op) && op !== 'Invoke' && isReadOnlyKey(req.accessKeyId)) {
        throw new ApiError(
          'AccessDeniedException',
          `User: arn:aws:iam::${LAB_ACCOUNT_ID}:user/readonly is not authorized to perform: lambda:${op}`,
          403,
        );
      }
      const name = route.match[1] ? decodeURIComponent(route.match[1]) : '';
      const qualifier = req.query.get('Qualifier') ?? undefined;
      switch (op) {
        case 'ListFunctions':
          return json(200, { Functions: [...lab.functions.values()].map(functionConfiguration) });
        case 'ListTags':
          return json(200, { Tags: { ...taggedFunction(lab, name).tags } });
        case 'TagResource': {
          const f = taggedFunction(lab, name);
          Object.assign(f.tags, tagsOfBody(req.body));
          return json(204, undefined);
        }
        case 'UntagResource': {
          const f = taggedFunction(lab, name);
          const keys = req.query.getAll('tagKeys');
          if (keys.length === 0) throw new ApiError('InvalidParameterValueException', 'TagKeys must not be empty.');
          for (const k of keys) delete f.tags[k];
          return json(204, undefined);
        }
      }
      const f = lab.get(name, qualifier);
      switch (op) {
        case 'Invoke': {
          const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
          if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
            throw new ApiError('InvalidParameterValueException', `Unsupported invocation type ${type}`);
          }
          const tail = String(req.headers['x-amz-log-type'] ?? 'None') === 'Tail';
          const r = await lab.invoke(f, req.body, type, tail && type === 'RequestResponse');
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            'x-amzn-requestid': randomUUID(),
          };
          if (type === 'RequestResponse') headers['x-amz-executed-version'] = '$LATEST';
          if (r.functionError) headers['x-amz-function-error'] = r.functionError;
          if (r.logTail) headers['x-amz-log-result'] = r.logTail;
          return { status: r.statusCode, headers, body: r.payload };
        }
        case 'GetFunction':
          return json(200, {
            Configuration: functionConfiguration(f),
            Code: { RepositoryType: 'S3' },
            Tags: { ...f.tags },
            ...(f.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: f.reserved } } : {}),
          });
        case 'GetFunctionConfiguration':
          return json(200, functionConfiguration(f));
        case 'GetFunctionConcurrency':
          return json(200, f.reserved !== undefined ? { ReservedConcurrentExecutions: f.reserved } : {});
        case 'PutFunctionConcurrency': {
          let n: unknown;
          try {
            n = (JSON.parse(req.body || '{}') as { ReservedConcurrentExecutions?: unknown })
              .ReservedConcurrentExecutions;
          } catch {
            throw new ApiError('InvalidRequestContentException', 'Could not parse request body into json');
          }
          lab.putConcurrency(f, Number(n));
          return json(200, { ReservedConcurrentExecutions: f.reserved });
        }
        case 'DeleteFunctionConcurrency':
          f.reserved = undefined;
          return json(204, undefined);
        case 'GetFunctionUrlConfig': {
          const url = urlOf(f);
          if (!url) {
            throw new ApiError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
          }
          return json(200, {
            FunctionUrl: url,
            FunctionArn: f.arn,
            AuthType: 'NONE',
            CreationTime: f.urlCreated.toISOString(),
            LastModifiedTime: f.urlCreated.toISOString(),
            InvokeMode: 'BUFFERED',
          });
        }
      }
      throw new ApiError('UnknownOperationException', `no Lambda route for ${req.method} ${req.path}`, 404);
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : new ApiError('ServiceException', `internal error in the lab: ${(e as Error).message}`, 500);
      return lambdaError(err);
    }
  };
}
