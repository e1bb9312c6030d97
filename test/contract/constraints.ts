import { AlarmType } from '@aws-sdk/client-cloudwatch';
import { ContextKeyTypeEnum } from '@aws-sdk/client-iam';
import { SourceType } from '@aws-sdk/client-rds';

/**
 * Value constraints of the members drillproof sends. The `aws-sdk` min models carry none, so each
 * comes from AWS: enums as the v3 clients ship them (generated from AWS's Smithy models), lengths,
 * ranges and patterns from the API reference page named in `source`.
 *
 * Paths: `Member`, `List[]` (each item), `Map{}` (each value), `Map{key}` (each key), nested with `.`.
 */
export interface MemberConstraint {
  enum?: readonly string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: RegExp;
  source: string;
}

const RDS_ID = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;
const RDS_ID_NOTE = (op: string) => `https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_${op}.html`;
const FIS = (op: string) => `https://docs.aws.amazon.com/fis/latest/APIReference/API_${op}.html`;
const NOT_BLANK = /^\S+$/;

export const CONSTRAINTS: Record<string, Record<string, MemberConstraint>> = {
  'cloudwatch:DescribeAlarms': {
    AlarmNames: {
      maxItems: 100,
      source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html',
    },
    'AlarmNames[]': {
      minLength: 1,
      maxLength: 255,
      source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html',
    },
    'AlarmTypes[]': { enum: Object.values(AlarmType), source: '@aws-sdk/client-cloudwatch AlarmType' },
    MaxRecords: {
      min: 1,
      max: 100,
      source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html',
    },
  },
  'rds:DescribeDBInstances': {
    MaxRecords: { min: 20, max: 100, source: RDS_ID_NOTE('DescribeDBInstances') },
  },
  'rds:DescribeDBClusters': {
    MaxRecords: { min: 20, max: 100, source: RDS_ID_NOTE('DescribeDBClusters') },
  },
  'rds:DescribeDBSnapshots': {
    MaxRecords: { min: 20, max: 100, source: RDS_ID_NOTE('DescribeDBSnapshots') },
  },
  'rds:DescribeEvents': {
    SourceType: { enum: Object.values(SourceType), source: '@aws-sdk/client-rds SourceType' },
    MaxRecords: { min: 20, max: 100, source: RDS_ID_NOTE('DescribeEvents') },
  },
  'rds:RestoreDBInstanceFromDBSnapshot': {
    DBInstanceIdentifier: { pattern: RDS_ID, maxLength: 63, source: RDS_ID_NOTE('RestoreDBInstanceFromDBSnapshot') },
  },
  // "1 to 255 letters, numbers, or hyphens. First character must be a letter. Can't end with a
  // hyphen or contain two consecutive hyphens."
  'rds:CreateDBSnapshot': {
    DBSnapshotIdentifier: {
      pattern: /^[A-Za-z](?!.*--)(?:[A-Za-z0-9-]{0,253}[A-Za-z0-9])?$/,
      maxLength: 255,
      source: RDS_ID_NOTE('CreateDBSnapshot'),
    },
  },
  'rds:RestoreDBInstanceToPointInTime': {
    TargetDBInstanceIdentifier: {
      pattern: RDS_ID,
      maxLength: 63,
      source: RDS_ID_NOTE('RestoreDBInstanceToPointInTime'),
    },
  },
  'fis:StartExperiment': {
    clientToken: { maxLength: 64, pattern: NOT_BLANK, source: FIS('StartExperiment') },
    experimentTemplateId: { maxLength: 64, pattern: NOT_BLANK, source: FIS('StartExperiment') },
    'tags{key}': { maxLength: 128, pattern: NOT_BLANK, source: FIS('StartExperiment') },
    'tags{}': { maxLength: 256, source: FIS('StartExperiment') },
  },
  'fis:CreateExperimentTemplate': {
    clientToken: { maxLength: 64, pattern: NOT_BLANK, source: FIS('CreateExperimentTemplate') },
    description: { maxLength: 512, source: FIS('CreateExperimentTemplate') },
    roleArn: { maxLength: 1224, pattern: NOT_BLANK, source: FIS('CreateExperimentTemplate') },
    'actions{key}': { maxLength: 64, pattern: NOT_BLANK, source: FIS('CreateExperimentTemplateActionInput') },
    'actions{}.actionId': { maxLength: 128, pattern: NOT_BLANK, source: FIS('CreateExperimentTemplateActionInput') },
    'tags{key}': { maxLength: 128, pattern: NOT_BLANK, source: FIS('CreateExperimentTemplate') },
    'tags{}': { maxLength: 256, source: FIS('CreateExperimentTemplate') },
    'experimentReportConfiguration.preExperimentDuration': {
      maxLength: 32,
      pattern: NOT_BLANK,
      source: FIS('CreateExperimentTemplateReportConfigurationInput'),
    },
    'experimentReportConfiguration.postExperimentDuration': {
      maxLength: 32,
      pattern: NOT_BLANK,
      source: FIS('CreateExperimentTemplateReportConfigurationInput'),
    },
    'experimentReportConfiguration.outputs.s3Configuration.bucketName': {
      minLength: 3,
      maxLength: 63,
      pattern: NOT_BLANK,
      source: FIS('ReportConfigurationS3OutputInput'),
    },
  },
  'fis:ListExperiments': {
    maxResults: { min: 1, max: 100, source: FIS('ListExperiments') },
  },
  'fis:GetExperiment': { id: { maxLength: 64, pattern: NOT_BLANK, source: FIS('GetExperiment') } },
  'fis:StopExperiment': { id: { maxLength: 64, pattern: NOT_BLANK, source: FIS('StopExperiment') } },
  'fis:DeleteExperimentTemplate': {
    id: { maxLength: 64, pattern: NOT_BLANK, source: FIS('DeleteExperimentTemplate') },
  },
  'fis:GetExperimentTemplate': { id: { maxLength: 64, pattern: NOT_BLANK, source: FIS('GetExperimentTemplate') } },
  'elbv2:RegisterTargets': {
    'Targets[].Port': {
      min: 1,
      max: 65535,
      source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetDescription.html',
    },
  },
  'elbv2:DeregisterTargets': {
    'Targets[].Port': {
      min: 1,
      max: 65535,
      source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetDescription.html',
    },
  },
  'iam:SimulatePrincipalPolicy': {
    PolicySourceArn: {
      minLength: 20,
      maxLength: 2048,
      source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html',
    },
    'ActionNames[]': {
      minLength: 3,
      maxLength: 128,
      source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html',
    },
    'ContextEntries[].ContextKeyType': {
      enum: Object.values(ContextKeyTypeEnum),
      source: '@aws-sdk/client-iam ContextKeyTypeEnum',
    },
    'ContextEntries[].ContextKeyName': {
      minLength: 5,
      maxLength: 256,
      source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html',
    },
    MaxItems: {
      min: 1,
      max: 1000,
      source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html',
    },
  },
};
