import { join } from 'node:path';
import { backupHandler } from './api/backup.js';
import { dynamodbHandler } from './api/dynamodb.js';
import type { ApiReply, ApiRequest } from './api/protocol.js';
import { BackupLab } from './backup/engine.js';
import { LAB_BACKUP_ROLE_ARN, LAB_VAULT, vaultArn } from './backup/model.js';
import type { DynamoLab } from './dynamodb/engine.js';
import { DDB_TABLE, resetDynamo, startDynamo } from './dynamodb/setup.js';
import { MYSQL_CLUSTER_ID, startAuroraMysql } from './mysql/cluster.js';
import type { ProcessRegistry } from './processes.js';
import type { RdsLab } from './rds/lab-rds.js';
import type { LabInfo, LabOptions } from './types.js';

export interface DataServicesContext {
  rds: RdsLab;
  runtimeDir: string;
  logsDir: string;
  registry: ProcessRegistry;
  azs: string[];
  user: string;
  password: string;
  database: string;
  freePort: () => Promise<number>;
  onError: (what: string, e: unknown) => void;
}

/**
 * The optional data services of the lab (each off by default, so the default lab stays light):
 * `lab-aurora-mysql` on MariaDB, DynamoDB, and AWS Backup over lab-db, lab-aurora and DynamoDB.
 */
export class DataServices {
  dynamo: DynamoLab | undefined;
  backup: BackupLab | undefined;

  constructor(
    private readonly o: LabOptions,
    private readonly ctx: DataServicesContext,
  ) {}

  /** Runs next to the RDS start (the MySQL cluster registers with the lab's RDS). */
  async start(): Promise<void> {
    const c = this.ctx;
    await Promise.all([
      this.o.auroraMysql
        ? startAuroraMysql(c.rds, {
            dir: join(c.runtimeDir, 'mysql'),
            azs: c.azs,
            user: c.user,
            password: c.password,
            database: c.database,
            registry: c.registry,
            logsDir: c.logsDir,
            cwd: c.runtimeDir,
            freePort: c.freePort,
          })
        : undefined,
      this.o.dynamodb
        ? startDynamo({
            pitrLagMs: this.o.dynamodbPitrLagMs,
            transitionMs: this.o.transitionMs,
            onError: c.onError,
          }).then((d) => {
            this.dynamo = d;
          })
        : undefined,
    ]);
  }

  /** After lab-db is available: AWS Backup takes its first recovery points. */
  async startBackup(): Promise<void> {
    if (!this.o.backup) return;
    this.backup = new BackupLab({
      rds: this.ctx.rds,
      dynamo: this.dynamo,
      transitionMs: this.o.transitionMs,
      onError: this.ctx.onError,
    });
    await this.backup.start();
  }

  /** The JSON-protocol handlers for the API server, by signing name. */
  handlers(): Record<string, (req: ApiRequest) => Promise<ApiReply>> {
    return {
      ...(this.dynamo ? { dynamodb: dynamodbHandler(this.dynamo) } : {}),
      ...(this.backup ? { backup: backupHandler(this.backup) } : {}),
    };
  }

  info(awsEndpoint: string): Pick<LabInfo, 'auroraMysql' | 'dynamodb' | 'backup'> {
    const cl = this.ctx.rds.clusters.get(MYSQL_CLUSTER_ID);
    const c = this.ctx;
    return {
      ...(cl
        ? {
            auroraMysql: {
              clusterId: cl.id,
              arn: cl.arn,
              engine: 'aurora-mysql' as const,
              writer: { host: '127.0.0.1', port: cl.writer.port },
              reader: { host: '127.0.0.1', port: cl.reader.port },
              user: c.user,
              password: c.password,
              database: c.database,
              instanceIds: [...cl.memberIds],
            },
          }
        : {}),
      ...(this.dynamo
        ? { dynamodb: { endpoint: awsEndpoint, tableName: DDB_TABLE, tableArn: this.dynamo.tableMeta(DDB_TABLE).arn } }
        : {}),
      ...(this.backup
        ? { backup: { vaultName: LAB_VAULT, vaultArn: vaultArn(LAB_VAULT), roleArn: LAB_BACKUP_ROLE_ARN } }
        : {}),
    };
  }

  status(): Record<string, unknown> {
    return {
      ...(this.dynamo ? { dynamodbTables: [...this.dynamo.tables.keys()] } : {}),
      ...(this.backup
        ? {
            recoveryPoints: this.backup.recoveryPoints.size,
            restoreJobs: [...this.backup.restoreJobs.values()].map((j) => ({ id: j.id, status: j.status })),
          }
        : {}),
    };
  }

  /** Restored / created tables deleted (lab-app and its data stay); restored DB instances go with resetRds. */
  async reset(): Promise<void> {
    if (this.dynamo) await resetDynamo(this.dynamo);
  }

  async stop(): Promise<void> {
    await this.dynamo?.stop();
  }
}
