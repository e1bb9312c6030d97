import type { QueryParams } from '../api/query.js';
import { ASG_ARN, ASG_NAME } from '../asg/model.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';

/**
 * What AWS authorizes for each operation the lab answers: the IAM action, the resource ARNs it
 * checks (from the service authorization reference: instance ARNs for EC2 state changes, the
 * target group for ELBv2 registrations, db / snapshot / cluster ARNs for RDS, template, action and
 * experiment ARNs for FIS) and the request's condition keys (the resource's tags, the service a
 * role is passed to). Describe / List / Get calls without resource-level permissions check `*`.
 */
export interface AuthRequest {
  action: string;
  resource: string;
  context: Record<string, string>;
}

export interface AuthSources {
  instanceTags(id: string): Record<string, string> | undefined;
  dbTags(arnOrId: string): Record<string, string> | undefined;
}

const A = `${LAB_REGION}:${LAB_ACCOUNT_ID}`;
const ec2Arn = (id: string) => `arn:aws:ec2:${A}:instance/${id}`;
const rdsArn = (kind: 'db' | 'cluster' | 'snapshot', id: string) =>
  id.startsWith('arn:') ? id : `arn:aws:rds:${A}:${kind}:${id}`;
const fisArn = (path: string) => `arn:aws:fis:${A}:${path}`;

const tagContext = (tags: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

function requestTags(p: QueryParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of p.list('Tags')) {
    const k = t.str('Key');
    if (k !== undefined) out[`aws:RequestTag/${k}`] = t.str('Value') ?? '';
  }
  return out;
}

/** Query-protocol services (EC2, ELBv2, RDS, IAM). Unknown operations check `<prefix>:<Op>` on `*`. */
export function queryAuthRequests(service: string, op: string, p: QueryParams, src: AuthSources): AuthRequest[] {
  const prefix = service === 'elasticloadbalancing' ? 'elasticloadbalancing' : service;
  const one = (resource: string, context: Record<string, string> = {}): AuthRequest => ({
    action: `${prefix}:${op}`,
    resource,
    context,
  });
  if (service === 'sts' && op === 'GetCallerIdentity') return []; // AWS: no permission needed
  if (service === 'ec2' && /^(Stop|Start|Reboot|Terminate)Instances$/.test(op)) {
    return p.strList('InstanceId').map((id) => one(ec2Arn(id), tagContext(src.instanceTags(id))));
  }
  if (service === 'ec2' && (op === 'CreateTags' || op === 'DeleteTags')) {
    const request: Record<string, string> = {};
    for (const t of p.list('Tag')) {
      const k = t.str('Key');
      if (k !== undefined) request[`aws:RequestTag/${k}`] = t.str('Value') ?? '';
    }
    return p.strList('ResourceId').map((id) => one(ec2Arn(id), { ...tagContext(src.instanceTags(id)), ...request }));
  }
  if (service === 'autoscaling' && /^(Suspend|Resume)Processes$/.test(op)) {
    const name = p.str('AutoScalingGroupName') ?? '*';
    return [one(name === ASG_NAME ? ASG_ARN : name.startsWith('arn:') ? name : '*')];
  }
  if (service === 'elasticloadbalancing' && /^(Register|Deregister)Targets$/.test(op)) {
    return [one(p.str('TargetGroupArn') ?? '*')];
  }
  if ((service === 'rds' || service === 'elasticache') && /^(AddTagsTo|RemoveTagsFrom|ListTagsFor)Resource$/.test(op)) {
    // Tag calls are authorized on the ARN they name (the drill's lease among them).
    const arn = p.str('ResourceName') ?? '*';
    const current = service === 'rds' ? tagContext(src.dbTags(arn)) : {};
    return [one(arn, op === 'AddTagsToResource' ? { ...current, ...requestTags(p) } : current)];
  }
  if (service === 'rds') {
    const db = (name: string) => {
      const id = p.str(name);
      return id ? [one(rdsArn('db', id), tagContext(src.dbTags(id)))] : [];
    };
    const tagging = (dbId: string | undefined, kind: 'db' | 'snapshot' = 'db') => {
      const t = requestTags(p);
      if (!dbId || Object.keys(t).length === 0) return [];
      // Tags given at creation are authorized as rds:AddTagsToResource on the new resource.
      return [{ action: 'rds:AddTagsToResource', resource: rdsArn(kind, dbId), context: t }];
    };
    switch (op) {
      case 'RebootDBInstance':
      case 'DeleteDBInstance':
        return db('DBInstanceIdentifier');
      case 'FailoverDBCluster': {
        const id = p.str('DBClusterIdentifier') ?? '*';
        return [one(rdsArn('cluster', id), tagContext(src.dbTags(id)))];
      }
      case 'CreateDBSnapshot': {
        const snap = p.str('DBSnapshotIdentifier');
        return [
          ...db('DBInstanceIdentifier'),
          one(rdsArn('snapshot', snap ?? '*'), requestTags(p)),
          ...tagging(snap, 'snapshot'),
        ];
      }
      case 'DeleteDBSnapshot':
        return [one(rdsArn('snapshot', p.str('DBSnapshotIdentifier') ?? '*'))];
      case 'RestoreDBInstanceFromDBSnapshot': {
        const target = p.str('DBInstanceIdentifier');
        return [
          one(rdsArn('db', target ?? '*'), requestTags(p)),
          one(rdsArn('snapshot', p.str('DBSnapshotIdentifier') ?? '*')),
          ...tagging(target),
        ];
      }
      case 'RestoreDBInstanceToPointInTime': {
        const target = p.str('TargetDBInstanceIdentifier');
        const source = p.str('SourceDBInstanceIdentifier') ?? '*';
        return [
          one(rdsArn('db', target ?? '*'), requestTags(p)),
          one(rdsArn('db', source), tagContext(src.dbTags(source))),
          ...tagging(target),
        ];
      }
    }
  }
  if (service === 'iam' && op === 'SimulatePrincipalPolicy') return [one(p.str('PolicySourceArn') ?? '*')];
  return [one('*')];
}

/** FIS over restJson1: the operation follows from method and path. */
export function fisAuthRequests(method: string, path: string, body: Record<string, unknown>): AuthRequest[] {
  const [res, id] = path.split('/').filter(Boolean).map(decodeURIComponent);
  const act = (op: string, resource: string, context: Record<string, string> = {}) => ({
    action: `fis:${op}`,
    resource,
    context,
  });
  const tagged = (tags: unknown, resource: string) =>
    tags && typeof tags === 'object' && Object.keys(tags).length > 0 ? [act('TagResource', resource)] : [];
  if (res === 'experimentTemplates') {
    if (method === 'POST' && !id) {
      const actions = Object.values((body.actions ?? {}) as Record<string, { actionId?: string }>);
      return [
        act('CreateExperimentTemplate', fisArn('experiment-template/*')),
        ...actions.map((a) => act('CreateExperimentTemplate', fisArn(`action/${a.actionId ?? '*'}`))),
        // FIS passes the experiment role on: iam:PassRole is checked for the caller.
        {
          action: 'iam:PassRole',
          resource: typeof body.roleArn === 'string' ? body.roleArn : '*',
          context: { 'iam:PassedToService': 'fis.amazonaws.com' },
        },
      ];
    }
    if (method === 'GET' && !id) return [act('ListExperimentTemplates', '*')];
    if (method === 'GET') return [act('GetExperimentTemplate', fisArn(`experiment-template/${id}`))];
    if (method === 'DELETE') return [act('DeleteExperimentTemplate', fisArn(`experiment-template/${id}`))];
  }
  if (res === 'experiments') {
    if (method === 'POST' && !id) {
      const tid = typeof body.experimentTemplateId === 'string' ? body.experimentTemplateId : '*';
      return [
        act('StartExperiment', fisArn(`experiment-template/${tid}`)),
        act('StartExperiment', fisArn('experiment/*')),
        ...tagged(body.tags, fisArn('experiment/*')),
      ];
    }
    if (method === 'GET' && !id) return [act('ListExperiments', '*')];
    if (method === 'GET') return [act('GetExperiment', fisArn(`experiment/${id}`))];
    if (method === 'DELETE') return [act('StopExperiment', fisArn(`experiment/${id}`))];
  }
  if (res === 'actions') return [act(id ? 'GetAction' : 'ListActions', id ? fisArn(`action/${id}`) : '*')];
  return [];
}
