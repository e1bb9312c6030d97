import type { NodeConf } from './node.js';

/** archive_command / restore_command against the lab's WAL archive directory. */
export const archiveConf = (archiveDir: string): NodeConf => ({
  archive_command: `test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f`,
  restore_command: `cp ${archiveDir}/%f %p`,
});

export const standbyConf = (archiveDir: string, sockDir: string, primaryPort: number, name: string): NodeConf => ({
  ...archiveConf(archiveDir),
  primary_conninfo: `host=${sockDir} port=${primaryPort} user=postgres application_name=${name}`,
});

/** PostgreSQL accepts `YYYY-MM-DD HH:MM:SS.mmm+00` as a recovery target time. */
export function pgTimestamp(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}

export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
