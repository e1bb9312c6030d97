import {
  AddTagsToResourceCommand,
  ListTagsForResourceCommand,
  type RDSClient,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import type { RdsApi } from './apis.js';
import type { ClientPair } from './retry-policy.js';

type Call = <I extends object, O>(
  service: string,
  operation: string,
  client: ClientPair<RDSClient>,
  Cmd: new (input: I) => unknown,
) => (input: I) => Promise<O>;

/** The RDS tag calls, through the recorder of createAwsApis (its own file: ElastiCache has the same names). */
export function rdsTagCalls(
  client: ClientPair<RDSClient>,
  call: Call,
): Pick<RdsApi, 'addTagsToResource' | 'removeTagsFromResource' | 'listTagsForResource'> {
  return {
    addTagsToResource: call('rds', 'AddTagsToResource', client, AddTagsToResourceCommand),
    removeTagsFromResource: call('rds', 'RemoveTagsFromResource', client, RemoveTagsFromResourceCommand),
    listTagsForResource: call('rds', 'ListTagsForResource', client, ListTagsForResourceCommand),
  };
}
