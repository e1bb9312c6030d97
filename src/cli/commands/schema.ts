import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema, scenarioReferenceMarkdown } from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerSchema: RegisterCommand = (program, ctx) => {
  program
    .command('schema')
    .description('print the scenario JSON Schema (for editors: yaml-language-server modeline)')
    .option('-o, --out <file>', 'write it to a file instead of stdout')
    .option('--reference', 'print the Markdown scenario reference instead (docs/scenario-reference.md)')
    .addHelpText(
      'after',
      '\nEditors with yaml-language-server (VS Code YAML, Neovim, ...) validate and complete a scenario\nwhen its first line is:\n  # yaml-language-server: $schema=<path or URL of scenario.schema.json>\n',
    )
    .action((opts: { out?: string; reference?: boolean }) => {
      const text = opts.reference ? scenarioReferenceMarkdown() : `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else ctx.io.stdout.write(text);
    });
};
