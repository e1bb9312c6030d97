import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import { FIS_EXEC_WRAPPER, FIS_EXTENSION_LAYER_ARN } from './fis-extension.js';

export const FIS_CONFIG_LOCATION = 'arn:aws:s3:::lab-fis-config/FisConfigs/';
export const functionArn = (name: string) => `arn:aws:lambda:${LAB_REGION}:${LAB_ACCOUNT_ID}:function:${name}`;

export interface FunctionSpec {
  name: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  layers: string[];
  environment: Record<string, string>;
  tags: Record<string, string>;
  /** Serve a function URL (auth type NONE) on loopback. */
  url: boolean;
}

/**
 * The lab's functions: `lab-orders` is prepared for the FIS Lambda actions (extension layer, exec
 * wrapper, S3 configuration location); `lab-worker` has the configuration location but neither the
 * layer nor the wrapper, so FIS writes its faults and nothing in the function reads them (a
 * preflight check can tell the two apart).
 */
export const LAB_FUNCTIONS: FunctionSpec[] = [
  {
    name: 'lab-orders',
    description: 'drillproof lab function prepared for the AWS FIS Lambda actions',
    timeoutSeconds: 3,
    memoryMb: 128,
    layers: [FIS_EXTENSION_LAYER_ARN],
    environment: {
      AWS_FIS_CONFIGURATION_LOCATION: FIS_CONFIG_LOCATION,
      AWS_LAMBDA_EXEC_WRAPPER: FIS_EXEC_WRAPPER,
    },
    tags: { app: 'orders', drillproof: 'allowed', 'FIS-Ready': 'True' },
    url: true,
  },
  {
    name: 'lab-worker',
    description: 'drillproof lab function without the AWS FIS extension',
    timeoutSeconds: 3,
    memoryMb: 128,
    layers: [],
    environment: { AWS_FIS_CONFIGURATION_LOCATION: FIS_CONFIG_LOCATION },
    tags: { app: 'worker', drillproof: 'allowed' },
    url: false,
  },
];
