/** ElastiCache events as DescribeEvents returns them (newest first). */
export type CacheSourceType =
  | 'replication-group'
  | 'cache-cluster'
  | 'cache-parameter-group'
  | 'cache-security-group'
  | 'cache-subnet-group'
  | 'user'
  | 'user-group'
  | 'serverless-cache'
  | 'serverless-cache-snapshot';

export interface CacheEvent {
  sourceIdentifier: string;
  sourceType: CacheSourceType;
  message: string;
  date: Date;
}

export class CacheEventLog {
  readonly events: CacheEvent[] = [];

  add(sourceType: CacheSourceType, sourceIdentifier: string, message: string): void {
    this.events.unshift({ sourceIdentifier, sourceType, message, date: new Date() });
    if (this.events.length > 1000) this.events.length = 1000;
  }
}
