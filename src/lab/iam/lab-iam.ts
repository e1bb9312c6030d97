import { ApiError } from '../api/errors.js';
import { lambdaRoute } from '../api/lambda.js';
import type { ApiRequest, QueryService } from '../api/protocol.js';
import type { QueryParams } from '../api/query.js';
import { list } from '../api/xml.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { type AuthRequest, type AuthSources, fisAuthRequests, queryAuthRequests } from './requests.js';
import {
  backupAuthRequests,
  dynamodbAuthRequests,
  ecsAuthRequests,
  elasticacheAuthRequests,
  lambdaAuthRequests,
} from './requests-services.js';
import { type Decision, evaluate, loadSimulator, type PolicyDocument } from './simulator.js';

/** The lab's IAM users: `readonly*` access keys are user/readonly, every other key user/lab. */
export function principalOf(accessKeyId: string): string {
  const name = accessKeyId.toLowerCase().startsWith('readonly') ? 'readonly' : 'lab';
  return `arn:aws:iam::${LAB_ACCOUNT_ID}:user/${name}`;
}

/** AWS's denial message; EC2 adds an encoded authorization failure message. */
function deniedMessage(principal: string, r: AuthRequest, explicit: boolean): string {
  const why = explicit
    ? `with an explicit deny in an identity-based policy`
    : `because no identity-based policy allows the ${r.action} action`;
  return `User: ${principal} is not authorized to perform: ${r.action} on resource: ${r.resource} ${why}`;
}

/** The envelope each service answers a denial with (the protocols' error writers do the rest). */
export function accessDenied(service: string, principal: string, r: AuthRequest, explicit: boolean): ApiError {
  const msg = deniedMessage(principal, r, explicit);
  if (service === 'ec2') {
    // EC2 hides the details in an opaque blob that `aws sts decode-authorization-message` reads.
    const encoded = Buffer.from(
      JSON.stringify({
        allowed: false,
        explicitDeny: explicit,
        context: { principal: { arn: principal }, action: r.action, resource: r.resource, conditions: r.context },
      }),
    ).toString('base64url');
    return new ApiError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. ${msg}. Encoded authorization failure message: ${encoded}`,
      403,
    );
  }
  if (service === 'fis' || service === 'lambda' || service === 'backup')
    return new ApiError('AccessDeniedException', msg, 403);
  // awsJson services answer 400 with the exception name.
  if (service === 'dynamodb' || service === 'ecs') return new ApiError('AccessDeniedException', msg, 400);
  return new ApiError('AccessDenied', msg, 403);
}

/**
 * IAM in the lab: each access key may carry an identity policy (`lab up --iam-policy`,
 * `drillproof lab iam`). Every API call of a key with a policy is evaluated by the IAM policy
 * simulator for the action, resources and condition keys AWS would check, and denied with the
 * service's own AccessDenied envelope. Keys without a policy may do everything, as before.
 */
export class LabIam {
  private readonly policies = new Map<string, PolicyDocument>();

  constructor(private readonly sources: AuthSources) {}

  /** Gives a key exactly this policy (null: no policy, everything allowed). @throws when the simulator is missing */
  async attach(accessKeyId: string, policy: PolicyDocument | null): Promise<void> {
    if (policy === null) {
      this.policies.delete(accessKeyId);
      return;
    }
    const p = validPolicy(policy);
    await loadSimulator();
    this.policies.set(accessKeyId, p);
  }

  list(): Record<string, PolicyDocument> {
    return Object.fromEntries(this.policies);
  }

  private policyOfPrincipal(arn: string): PolicyDocument | undefined {
    for (const [key, p] of this.policies) if (principalOf(key) === arn) return p;
    return undefined;
  }

  /** The denial to answer with, or undefined when the call is allowed. */
  async authorize(
    service: string,
    accessKeyId: string,
    q: { operation: string; params?: QueryParams; req: ApiRequest },
  ): Promise<ApiError | undefined> {
    const policy = this.policies.get(accessKeyId);
    if (!policy) return undefined;
    const principal = principalOf(accessKeyId);
    const requests = this.requestsOf(service, q);
    if (!requests) return undefined;
    for (const r of requests) {
      const { decision } = await evaluate(policy, principal, r.action, r.resource, r.context);
      if (decision !== 'allowed') return accessDenied(service, principal, r, decision === 'explicitDeny');
    }
    return undefined;
  }

  /** What AWS authorizes for one call; undefined for a service the lab does not authorize. */
  private requestsOf(
    service: string,
    q: { operation: string; params?: QueryParams; req: ApiRequest },
  ): AuthRequest[] | undefined {
    if (q.params) {
      if (service === 'elasticache') return elasticacheAuthRequests(q.operation, q.params);
      return queryAuthRequests(service, q.operation, q.params, this.sources);
    }
    let body: Record<string, unknown> = {};
    try {
      body = q.req.body ? (JSON.parse(q.req.body) as Record<string, unknown>) : {};
    } catch {
      // Each service's handler answers malformed bodies itself.
    }
    const { method, path } = q.req;
    switch (service) {
      case 'fis':
        return fisAuthRequests(method, path, body);
      case 'dynamodb':
        return dynamodbAuthRequests(q.operation, body);
      case 'ecs':
        return ecsAuthRequests(q.operation, body);
      case 'backup':
        return backupAuthRequests(method, path, body);
      case 'lambda': {
        const r = lambdaRoute(method, path);
        return r ? lambdaAuthRequests(r.op, r.name, q.req.query.get('Qualifier') ?? undefined) : [];
      }
    }
    return undefined;
  }

  /** IAM SimulatePrincipalPolicy over the lab's users, with the same simulator. */
  service(): QueryService {
    return {
      name: 'iam',
      protocol: 'query',
      xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
      actions: {
        SimulatePrincipalPolicy: async (p) => {
          const source = p.str('PolicySourceArn');
          if (!source)
            throw new ApiError(
              'ValidationError',
              "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null",
            );
          if (!/^arn:aws:iam::\d{12}:(user|role|group)\/.+/.test(source) || !source.includes(`::${LAB_ACCOUNT_ID}:`)) {
            throw new ApiError('NoSuchEntity', `The user or role with ARN ${source} cannot be found.`, 404);
          }
          const actions = p.strList('ActionNames');
          if (actions.length === 0)
            throw new ApiError('ValidationError', 'ActionNames must contain at least one action');
          const resources = p.strList('ResourceArns');
          const context: Record<string, string> = {};
          for (const e of p.list('ContextEntries')) {
            const k = e.str('ContextKeyName');
            const v = e.strList('ContextKeyValues')[0];
            if (k && v !== undefined) context[k] = v;
          }
          const policy = this.policyOfPrincipal(source);
          const results = [];
          for (const action of actions) {
            for (const resource of resources.length ? resources : ['*']) {
              const decision: Decision = policy
                ? (await evaluate(policy, source, action, resource, context)).decision
                : 'allowed';
              results.push({
                EvalActionName: action,
                EvalResourceName: resource,
                EvalDecision: decision,
                MatchedStatements: list('member', []),
                MissingContextValues: list('member', []),
              });
            }
          }
          return { EvaluationResults: list('member', results), IsTruncated: false };
        },
      },
    };
  }
}

function validPolicy(p: PolicyDocument): PolicyDocument {
  if (typeof p !== 'object' || p === null || !('Statement' in p)) {
    throw new Error('an IAM policy is a JSON object with a Statement list (as `drillproof iam-policy` prints it)');
  }
  return p;
}
