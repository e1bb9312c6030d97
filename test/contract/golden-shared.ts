/** Shared names and wire helpers of the golden requests (golden-requests.ts). */
export const A = 'us-east-1:000000000000';
export const TASK = `arn:aws:ecs:${A}:task/lab-cluster/0123456789abcdef0123456789abcdef`;
export const ECS = 'AmazonEC2ContainerServiceV20141113';
export const FN = `arn:aws:lambda:${A}:function:lab-orders`;
export const TABLE = `arn:aws:dynamodb:${A}:table/lab-app`;
export const BACKUP = `${TABLE}/backup/01700000000000-abcdef12`;
export const RP = `arn:aws:backup:${A}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`;
export const JOB = 'a1b2c3d4-0000-4000-8000-000000000001';
export const AT = new Date('2026-03-01T12:00:00.000Z');
export const json = (v: unknown) => JSON.stringify(v);
export const ecsWire = (op: string, body: unknown) => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `${ECS}.${op}`, 'content-type': 'application/x-amz-json-1.1' },
  body,
});
export const ddbWire = (op: string, body: unknown) => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `DynamoDB_20120810.${op}`, 'content-type': 'application/x-amz-json-1.0' },
  body,
});
export const query = (body: Record<string, string>) => ({ method: 'POST', path: '/', body });
export const xml = (op: string, ns: string, result: string) =>
  `<${op}Response xmlns="${ns}"><${op}Result>${result}</${op}Result><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${op}Response>`;
export const EC_NS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
export const AS_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
export const asEmpty = (op: string) =>
  `<${op}Response xmlns="${AS_NS}"><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${op}Response>`;
export const group = '<ReplicationGroupId>lab-redis</ReplicationGroupId><Status>available</Status>';
export const processes = { AutoScalingGroupName: 'web-asg', ScalingProcesses: ['Launch', 'ReplaceUnhealthy'] };
export const processesWire = (op: string) =>
  query({
    Action: op,
    Version: '2011-01-01',
    AutoScalingGroupName: 'web-asg',
    'ScalingProcesses.member.1': 'Launch',
    'ScalingProcesses.member.2': 'ReplaceUnhealthy',
  });
