// Lets a plain `node` child process run the project's TypeScript sources: `node -r ./swcRegister.js x.ts`.
// Each .ts file is compiled when required, by the SWC compiler the jest setup already uses, so the child
// runs the same code the tests import (no build step, no stale build/ output).
'use strict';
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  module._compile(code, filename);
};
