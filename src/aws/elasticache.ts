import {
  AddTagsToResourceCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
  paginateDescribeEvents,
  paginateDescribeReplicationGroups,
  RemoveTagsFromResourceCommand,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import type { ElastiCacheApi } from './apis.js';
import type { ClientPair } from './retry-policy.js';

type Call = <I extends object, O>(
  service: string,
  operation: string,
  clients: ClientPair<ElastiCacheClient>,
  Cmd: new (input: I) => unknown,
) => (input: I) => Promise<O>;
type Pages = <I extends object, O extends object>(
  service: string,
  operation: string,
  clients: ClientPair<unknown>,
  paginate: (config: never, input: I) => AsyncIterable<O>,
  listKeys: string[],
) => (input: I) => Promise<O>;

/** The ElastiCache calls, through the recorder of createAwsApis (its own file: RDS has a DescribeEvents too). */
export function elasticacheCalls(client: ClientPair<ElastiCacheClient>, call: Call, pages: Pages): ElastiCacheApi {
  return {
    describeReplicationGroups: pages(
      'elasticache',
      'DescribeReplicationGroups',
      client,
      paginateDescribeReplicationGroups as never,
      ['ReplicationGroups'],
    ),
    describeEvents: pages('elasticache', 'DescribeEvents', client, paginateDescribeEvents as never, ['Events']),
    testFailover: call('elasticache', 'TestFailover', client, TestFailoverCommand),
    addTagsToResource: call('elasticache', 'AddTagsToResource', client, AddTagsToResourceCommand),
    removeTagsFromResource: call('elasticache', 'RemoveTagsFromResource', client, RemoveTagsFromResourceCommand),
    listTagsForResource: call('elasticache', 'ListTagsForResource', client, ListTagsForResourceCommand),
  };
}
