import { deleteClusterInstance, restoredCluster } from '../rds/cluster-restore.js';
import type { RdsLab } from '../rds/lab-rds.js';
import {
  createSnapshot,
  deleteInstance,
  deleteSnapshot,
  restoreFromSnapshot,
  restoreToPointInTime,
  snapshotsOf,
} from '../rds/restore.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiRequest, QueryService } from './protocol.js';
import type { QueryParams } from './query.js';
import { clusterRestoreActions, inRestoredCluster, restoredClusters, restoredClusterXml } from './rds-cluster.js';
import { clusterXml, instanceXml, snapshotXml, tagList, tagsParam } from './rds-xml.js';
import { list } from './xml.js';

/** An identifier may be given as the name or the ARN. */
function idOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^arn:aws:rds:[^:]*:[^:]*:(?:db|cluster|snapshot):(.+)$/.exec(v);
  return m ? m[1] : v;
}

function required(p: QueryParams, name: string): string {
  const v = p.str(name);
  if (!v) throw new ApiError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
}

function denyWrites(req: ApiRequest, action: string): void {
  if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('rds', action);
}

type Filter = { name: string; values: string[] };
const filtersOf = (p: QueryParams): Filter[] =>
  p.list('Filters').map((f) => ({ name: f.str('Name') ?? '', values: f.strList('Values') }));

function page<T>(items: T[], p: QueryParams): { items: T[]; marker: string | undefined } {
  const max = p.int('MaxRecords') ?? 100;
  const start = Number(p.str('Marker') ?? '0') || 0;
  return {
    items: items.slice(start, start + max),
    marker: start + max < items.length ? String(start + max) : undefined,
  };
}

export function rdsService(rds: RdsLab): QueryService {
  return {
    name: 'rds',
    protocol: 'query',
    xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
    noResult: ['AddTagsToResource', 'RemoveTagsFromResource'],
    actions: {
      DescribeDBInstances: (p) => {
        const id = idOf(p.str('DBInstanceIdentifier'));
        let items = id ? [rds.instance(id)] : [...rds.instances.values()];
        for (const f of filtersOf(p)) {
          items = items.filter((i) => {
            if (f.name === 'db-instance-id') return f.values.some((v) => v === i.id || v === i.arn);
            if (f.name === 'db-cluster-id')
              return i.clusterId !== undefined && f.values.some((v) => idOf(v) === i.clusterId);
            if (f.name === 'engine') return f.values.includes(i.engine);
            if (f.name === 'dbi-resource-id') return f.values.includes(i.resourceId);
            throw new ApiError('InvalidParameterValue', `Unrecognized filter name: ${f.name}`);
          });
        }
        const pg = page(items, p);
        return {
          DBInstances: list(
            'DBInstance',
            pg.items.map((i) => instanceXml(rds, i)),
          ),
          Marker: pg.marker,
        };
      },
      DescribeDBClusters: (p) => {
        const id = idOf(p.str('DBClusterIdentifier'));
        const own = id ? (rds.clusters.has(id) ? [rds.cluster(id)] : []) : [...rds.clusters.values()];
        const restored = id ? (own.length ? [] : [restoredCluster(rds, id)]) : restoredClusters(rds);
        return {
          DBClusters: list('DBCluster', [
            ...own.map((c) => clusterXml(rds, c)),
            ...restored.map((c) => restoredClusterXml(rds, c)),
          ]),
        };
      },
      RebootDBInstance: (p, req) => {
        const id = idOf(required(p, 'DBInstanceIdentifier')) as string;
        rds.instance(id);
        denyWrites(req, 'RebootDBInstance');
        return { DBInstance: instanceXml(rds, rds.reboot(id, p.bool('ForceFailover') === true)) };
      },
      FailoverDBCluster: (p, req) => {
        const id = idOf(required(p, 'DBClusterIdentifier')) as string;
        rds.cluster(id);
        denyWrites(req, 'FailoverDBCluster');
        return { DBCluster: clusterXml(rds, rds.failoverCluster(id, idOf(p.str('TargetDBInstanceIdentifier')))) };
      },
      DescribeEvents: (p) => {
        const src = idOf(p.str('SourceIdentifier'));
        const type = p.str('SourceType');
        if (src && !type) {
          throw new ApiError(
            'InvalidParameterCombination',
            'SourceType must be specified when SourceIdentifier is specified.',
          );
        }
        const end = p.str('EndTime') ? new Date(p.str('EndTime') as string) : new Date();
        const start = p.str('StartTime')
          ? new Date(p.str('StartTime') as string)
          : new Date(end.getTime() - (p.int('Duration') ?? 60) * 60_000);
        const cats = p.strList('EventCategories');
        const items = rds.events.events.filter(
          (e) =>
            (!src || e.sourceIdentifier === src) &&
            (!type || e.sourceType === type) &&
            e.date.getTime() >= start.getTime() &&
            e.date.getTime() <= end.getTime() &&
            (cats.length === 0 || e.categories.some((c) => cats.includes(c))),
        );
        const pg = page(items, p);
        return {
          Events: list(
            'Event',
            pg.items.map((e) => ({
              SourceIdentifier: e.sourceIdentifier,
              SourceType: e.sourceType,
              Message: e.message,
              EventCategories: list('EventCategory', e.categories),
              Date: e.date,
              SourceArn: e.sourceArn,
            })),
          ),
          Marker: pg.marker,
        };
      },
      DescribeDBSnapshots: (p) => {
        const inst = idOf(p.str('DBInstanceIdentifier'));
        if (inst) rds.instance(inst);
        const items = snapshotsOf(rds, inst, idOf(p.str('DBSnapshotIdentifier')), p.str('SnapshotType'));
        const pg = page(items, p);
        return { DBSnapshots: list('DBSnapshot', pg.items.map(snapshotXml)), Marker: pg.marker };
      },
      CreateDBSnapshot: (p, req) => {
        const inst = idOf(required(p, 'DBInstanceIdentifier')) as string;
        rds.instance(inst);
        denyWrites(req, 'CreateDBSnapshot');
        return {
          DBSnapshot: snapshotXml(createSnapshot(rds, inst, required(p, 'DBSnapshotIdentifier'), tagsParam(p))),
        };
      },
      DeleteDBSnapshot: (p, req) => {
        const id = idOf(required(p, 'DBSnapshotIdentifier')) as string;
        snapshotsOf(rds, undefined, id);
        denyWrites(req, 'DeleteDBSnapshot');
        return { DBSnapshot: snapshotXml(deleteSnapshot(rds, id)) };
      },
      RestoreDBInstanceFromDBSnapshot: (p, req) => {
        denyWrites(req, 'RestoreDBInstanceFromDBSnapshot');
        const o = restoreOpts(p, required(p, 'DBInstanceIdentifier'));
        return { DBInstance: instanceXml(rds, restoreFromSnapshot(rds, required(p, 'DBSnapshotIdentifier'), o)) };
      },
      RestoreDBInstanceToPointInTime: (p, req) => {
        const src = idOf(p.str('SourceDBInstanceIdentifier'));
        if (!src)
          throw new ApiError('MissingParameter', 'The request must contain the parameter SourceDBInstanceIdentifier');
        rds.instance(src);
        denyWrites(req, 'RestoreDBInstanceToPointInTime');
        const latest = p.bool('UseLatestRestorableTime') === true;
        const t = p.str('RestoreTime');
        if (latest && t) {
          throw new ApiError(
            'InvalidParameterCombination',
            'Cannot specify both RestoreTime and UseLatestRestorableTime.',
          );
        }
        if (!latest && !t) {
          throw new ApiError(
            'InvalidParameterCombination',
            'One of RestoreTime or UseLatestRestorableTime must be specified.',
          );
        }
        const when = latest ? ('latest' as const) : new Date(t as string);
        if (when !== 'latest' && Number.isNaN(when.getTime()))
          throw new ApiError('InvalidParameterValue', `Invalid RestoreTime: ${t}`);
        const o = restoreOpts(p, required(p, 'TargetDBInstanceIdentifier'));
        return { DBInstance: instanceXml(rds, restoreToPointInTime(rds, src, when, o)) };
      },
      DeleteDBInstance: (p, req) => {
        const id = idOf(required(p, 'DBInstanceIdentifier')) as string;
        rds.instance(id);
        denyWrites(req, 'DeleteDBInstance');
        // An Aurora instance has no final snapshot of its own (the cluster's storage stays).
        if (inRestoredCluster(rds, id))
          return { DBInstance: instanceXml(rds, deleteClusterInstance(rds, rds.instance(id))) };
        const i = deleteInstance(rds, id, p.bool('SkipFinalSnapshot') === true, p.str('FinalDBSnapshotIdentifier'));
        return { DBInstance: instanceXml(rds, i) };
      },
      ...clusterRestoreActions(rds),
      ListTagsForResource: (p) => ({ TagList: tagList(tagsAt(rds, required(p, 'ResourceName'))) }),
      AddTagsToResource: (p, req) => {
        const tags = tagsAt(rds, required(p, 'ResourceName'));
        if (p.list('Tags').length === 0)
          throw new ApiError('MissingParameter', 'The request must contain the parameter Tags');
        denyWrites(req, 'AddTagsToResource');
        Object.assign(tags, tagsParam(p));
        return {};
      },
      RemoveTagsFromResource: (p, req) => {
        const tags = tagsAt(rds, required(p, 'ResourceName'));
        const keys = p.strList('TagKeys');
        if (keys.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter TagKeys');
        denyWrites(req, 'RemoveTagsFromResource');
        // RDS removes the keys it has and ignores the others.
        for (const k of keys) delete tags[k];
        return {};
      },
    },
  };
}

/** The live tag map of the instance, cluster or snapshot an ARN names (AWS's NotFound codes otherwise). */
function tagsAt(rds: RdsLab, arn: string): Record<string, string> {
  const inst = [...rds.instances.values()].find((i) => i.arn === arn);
  const cl = [...rds.clusters.values(), ...restoredClusters(rds)].find((c) => c.arn === arn);
  const sn = [...rds.snapshots.values()].find((s) => s.arn === arn);
  const tags = inst?.tags ?? cl?.tags ?? sn?.tags;
  if (tags) return tags;
  if (arn.includes(':cluster:')) throw new ApiError('DBClusterNotFoundFault', `DBCluster ${arn} not found.`, 404);
  if (arn.includes(':snapshot:')) throw new ApiError('DBSnapshotNotFound', `DBSnapshot ${arn} not found.`, 404);
  throw new ApiError('DBInstanceNotFound', `DBInstance ${arn} not found.`, 404);
}

function restoreOpts(p: QueryParams, targetId: string) {
  const o: { targetId: string; instanceClass?: string; az?: string; tags?: Record<string, string> } = { targetId };
  const cls = p.str('DBInstanceClass');
  const az = p.str('AvailabilityZone');
  if (cls) o.instanceClass = cls;
  if (az) o.az = az;
  o.tags = tagsParam(p);
  return o;
}
