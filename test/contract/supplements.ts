import type { ShapeRef } from './model.js';

/**
 * Members AWS added after the `aws-sdk` package's last model update, in the same shape notation,
 * each with the AWS API reference page that defines it. They are merged into the loaded model's
 * input of the operation, so a request carrying them validates like any other member. Each also
 * exists in the v3 client's types (checked by validate.test.ts), a second source.
 */
/** FIS experiment report configuration (CreateExperimentTemplateReportConfigurationInput; the output shape is the same). */
export const FIS_REPORT_CONFIGURATION: ShapeRef = {
  source:
    'https://docs.aws.amazon.com/fis/latest/APIReference/API_CreateExperimentTemplateReportConfigurationInput.html',
  type: 'structure',
  members: {
    outputs: {
      // https://docs.aws.amazon.com/fis/latest/APIReference/API_ExperimentTemplateReportConfigurationOutputsInput.html
      type: 'structure',
      members: {
        // https://docs.aws.amazon.com/fis/latest/APIReference/API_ReportConfigurationS3OutputInput.html
        s3Configuration: { type: 'structure', members: { bucketName: {}, prefix: {} } },
      },
    },
    dataSources: {
      // https://docs.aws.amazon.com/fis/latest/APIReference/API_ExperimentTemplateReportConfigurationDataSourcesInput.html
      type: 'structure',
      members: {
        cloudWatchDashboards: { type: 'list', member: { type: 'structure', members: { dashboardIdentifier: {} } } },
      },
    },
    preExperimentDuration: {},
    postExperimentDuration: {},
  },
};

/** `service:Operation` -> path of the structure in the input (`''` the input itself, `A.B`, `A[]`) -> members. */
export const SUPPLEMENTS: Record<string, Record<string, Record<string, ShapeRef>>> = {
  'fis:CreateExperimentTemplate': { '': { experimentReportConfiguration: FIS_REPORT_CONFIGURATION } },
};
