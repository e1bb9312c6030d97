#!/usr/bin/env node
// The pinned AWS SDK line supports Node 20; its notice about future releases is not for drill output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
