import type { ShapeRef } from './model.js';

/**
 * Answer members of ECS, Lambda, ElastiCache, DynamoDB, AWS Backup and Auto Scaling that AWS added
 * after the `aws-sdk` package's last model update: `service:Operation` (or `service:*`) -> path
 * of the structure in the output -> members, each with the API reference page that documents it.
 * Each also exists in the v3 client's types (validate.test.ts checks).
 */
export const OUTPUT_SERVICE_SUPPLEMENTS: Record<string, Record<string, Record<string, ShapeRef>>> = {};
