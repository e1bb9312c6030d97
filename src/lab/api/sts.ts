import { LAB_ACCOUNT_ID } from '../types.js';
import type { QueryService } from './protocol.js';

export function stsService(): QueryService {
  return {
    name: 'sts',
    protocol: 'query',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    actions: {
      GetCallerIdentity: (_p, req) => {
        const name = req.accessKeyId.toLowerCase().startsWith('readonly') ? 'readonly' : 'lab';
        return {
          UserId: `AIDA${name.toUpperCase()}000000000000`,
          Account: LAB_ACCOUNT_ID,
          Arn: `arn:aws:iam::${LAB_ACCOUNT_ID}:user/${name}`,
        };
      },
    },
  };
}
