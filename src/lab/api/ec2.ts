import { type Ec2Fleet, type LabInstance, STATE_CODES, type StateChange } from '../ec2/fleet.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { deniedFor, globMatch, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiRequest, QueryService } from './protocol.js';
import type { QueryParams } from './query.js';
import { list, type XmlObject } from './xml.js';

export const LAB_VPC_ID = 'vpc-0a1b0000000000001';

const state = (s: LabInstance['state']) => ({ code: STATE_CODES[s], name: s });

function tagSet(tags: Record<string, string>) {
  return list(
    'item',
    Object.entries(tags).map(([key, value]) => ({ key, value })),
  );
}

function instanceXml(i: LabInstance): XmlObject {
  const stopped =
    i.state === 'stopped' || i.state === 'stopping' || i.state === 'terminated' || i.state === 'shutting-down';
  return {
    instanceId: i.id,
    imageId: 'ami-0a1b0000000000001',
    instanceState: state(i.state),
    privateDnsName: 'ip-127-0-0-1.ec2.internal',
    dnsName: '',
    reason: i.stateTransitionReason,
    amiLaunchIndex: 0,
    productCodes: list('item', []),
    instanceType: 't3.micro',
    launchTime: i.launchTime,
    placement: { availabilityZone: i.az, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: i.subnetId,
    vpcId: LAB_VPC_ID,
    privateIpAddress: i.state === 'terminated' ? undefined : '127.0.0.1',
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    tagSet: tagSet(i.tags),
    stateReason: stopped
      ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }
      : undefined,
  };
}

type Filter = { name: string; values: string[] };

function filters(p: QueryParams): Filter[] {
  return p.list('Filter').map((f) => ({ name: f.str('Name') ?? '', values: f.strList('Value') }));
}

function matches(i: LabInstance, f: Filter): boolean {
  const any = (v: string | undefined) => v !== undefined && f.values.some((pat) => globMatch(pat, v));
  if (f.name.startsWith('tag:')) return any(i.tags[f.name.slice(4)]);
  switch (f.name) {
    case 'instance-id':
      return any(i.id);
    case 'tag-key':
      return Object.keys(i.tags).some((k) => any(k));
    case 'tag-value':
      return Object.values(i.tags).some((k) => any(k));
    case 'availability-zone':
    case 'placement.availability-zone':
      return any(i.az);
    case 'instance-state-name':
      return any(i.state);
    case 'instance-state-code':
      return any(String(STATE_CODES[i.state]));
    case 'subnet-id':
      return any(i.subnetId);
    case 'vpc-id':
      return any(LAB_VPC_ID);
    case 'instance-type':
      return any('t3.micro');
    case 'private-ip-address':
      return any('127.0.0.1');
    default:
      throw new ApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
}

function select(fleet: Ec2Fleet, p: QueryParams): LabInstance[] {
  const ids = p.strList('InstanceId');
  const base = ids.length > 0 ? fleet.getAll(ids) : [...fleet.instances.values()];
  const fs = filters(p);
  return base.filter((i) => fs.every((f) => matches(i, f)));
}

/** DryRun: permission check only; a permitted call answers DryRunOperation (HTTP 412). */
function dryRunOrDeny(p: QueryParams, req: ApiRequest, action: string): void {
  if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('ec2', action);
  if (p.bool('DryRun')) {
    throw new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
}

function changes(list_: StateChange[]): XmlObject {
  return {
    instancesSet: list(
      'item',
      list_.map((c) => ({ instanceId: c.id, currentState: state(c.current), previousState: state(c.previous) })),
    ),
  };
}

function paginate<T>(items: T[], p: QueryParams): { page: T[]; next: string | undefined } {
  const max = p.int('MaxResults');
  const start = Number(p.str('NextToken') ?? '0') || 0;
  if (!max) return { page: items.slice(start), next: undefined };
  const page = items.slice(start, start + max);
  return { page, next: start + max < items.length ? String(start + max) : undefined };
}

export function ec2Service(fleet: Ec2Fleet): QueryService {
  return {
    name: 'ec2',
    protocol: 'ec2',
    xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
    actions: {
      DescribeInstances: (p) => {
        const { page, next } = paginate(select(fleet, p), p);
        return {
          reservationSet: list(
            'item',
            page.map((i) => ({
              reservationId: `r-${i.id.slice(2)}`,
              ownerId: LAB_ACCOUNT_ID,
              groupSet: list('item', []),
              instancesSet: list('item', [instanceXml(i)]),
            })),
          ),
          nextToken: next,
        };
      },
      DescribeInstanceStatus: (p) => {
        const all = p.bool('IncludeAllInstances') === true;
        const items = select(fleet, p).filter((i) => all || i.state === 'running');
        const { page, next } = paginate(items, p);
        const now = Date.now();
        return {
          instanceStatusSet: list(
            'item',
            page.map((i) => {
              const running = i.state === 'running';
              // Status checks pass a moment after the app is up (EC2 shows `initializing` first).
              const st = !running ? 'not-applicable' : now - i.upSince < 2000 ? 'initializing' : 'ok';
              const detail = st === 'ok' ? 'passed' : st === 'initializing' ? 'initializing' : undefined;
              const summary = {
                status: st,
                details: detail ? list('item', [{ name: 'reachability', status: detail }]) : undefined,
              };
              return {
                instanceId: i.id,
                availabilityZone: i.az,
                instanceState: state(i.state),
                systemStatus: summary,
                instanceStatus: summary,
              };
            }),
          ),
          nextToken: next,
        };
      },
      StopInstances: (p, req) => {
        const ids = p.strList('InstanceId');
        fleet.getAll(ids);
        dryRunOrDeny(p, req, 'StopInstances');
        return changes(fleet.stop(ids, p.bool('Force') === true));
      },
      StartInstances: (p, req) => {
        const ids = p.strList('InstanceId');
        fleet.getAll(ids);
        dryRunOrDeny(p, req, 'StartInstances');
        return changes(fleet.start(ids));
      },
      RebootInstances: (p, req) => {
        const ids = p.strList('InstanceId');
        fleet.getAll(ids);
        dryRunOrDeny(p, req, 'RebootInstances');
        fleet.reboot(ids);
        return { return: true };
      },
      TerminateInstances: (p, req) => {
        const ids = p.strList('InstanceId');
        fleet.getAll(ids);
        dryRunOrDeny(p, req, 'TerminateInstances');
        return changes(fleet.terminate(ids));
      },
      // Tags of instances only (the lab has no other EC2 resources); AWS answers `return: true`.
      CreateTags: (p, req) => {
        const tags = p.list('Tag').map((t) => ({ key: t.str('Key') ?? '', value: t.str('Value') ?? '' }));
        const ids = p.strList('ResourceId');
        const instances = fleet.getAll(ids);
        dryRunOrDeny(p, req, 'CreateTags');
        for (const t of tags) {
          if (t.key.startsWith('aws:'))
            throw new ApiError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
        }
        for (const i of instances) for (const t of tags) i.tags[t.key] = t.value;
        return { return: true };
      },
      // A tag given with a value is deleted only when its value matches (as on AWS).
      DeleteTags: (p, req) => {
        const tags = p.list('Tag').map((t) => ({ key: t.str('Key') ?? '', value: t.str('Value') }));
        const instances = fleet.getAll(p.strList('ResourceId'));
        dryRunOrDeny(p, req, 'DeleteTags');
        for (const i of instances) {
          for (const t of tags) {
            if (t.value === undefined || i.tags[t.key] === t.value) delete i.tags[t.key];
          }
        }
        return { return: true };
      },
      DescribeAvailabilityZones: () => ({
        availabilityZoneInfo: list(
          'item',
          [...new Set([...fleet.instances.values()].map((i) => i.az))].map((az) => ({
            zoneName: az,
            zoneState: 'available',
            regionName: 'us-east-1',
            zoneId: `use1-${az}`,
            zoneType: 'availability-zone',
          })),
        ),
      }),
    },
  };
}
