import { writeFileSync } from 'node:fs';
import { renderIamPermissionsDoc } from '../src/experiments/iam-doc.js';

writeFileSync('docs/iam-permissions.md', renderIamPermissionsDoc('scenarios/aws'));
