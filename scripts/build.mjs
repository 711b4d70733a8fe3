// Builds dist/: CommonJS and .d.ts with tsc, then thin ES module wrappers over the CommonJS build.
// Wrapping (rather than compiling twice) keeps one copy of the module state: `Backbone.sync`
// configured through `import` is the same object `require` returns (Node's dual-package hazard).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});

// `namesFrom` is the compiled ES-style module, whose keys are exactly the named exports (the CommonJS
// entry's object is the default instance and also carries its configuration properties).
function esmWrapper(cjsPath, namesFrom, defaultExport) {
  const names = Object.keys(require(`../${namesFrom}`)).filter((name) => name !== 'default');
  const lines = [`import api from '../${cjsPath.replace(/^dist\//, '')}';`];
  if (defaultExport) lines.push('export default api;');
  lines.push(`export const { ${names.join(', ')} } = api;`, '');
  return lines.join('\n');
}

mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/esm/index.mjs', esmWrapper('dist/cjs/lib/cjs.js', 'dist/cjs/lib/index.js', true));
writeFileSync(
  'dist/esm/middleware.mjs',
  esmWrapper('dist/cjs/middleware/index.js', 'dist/cjs/middleware/index.js', false),
);
writeFileSync(
  'dist/esm/testing.mjs',
  esmWrapper('dist/cjs/lib/testing/index.js', 'dist/cjs/lib/testing/index.js', false),
);
// Types for `import`: the default export is the CommonJS entry's object (`export =` in cjs.d.ts), not the
// `default` property a CommonJS-format index.d.ts would mean to a Node ESM (nodenext) TypeScript consumer.
writeFileSync(
  'dist/esm/index.d.mts',
  ["import api from '../types/lib/cjs.js';", 'export default api;', "export * from '../types/lib/index.js';", ''].join(
    '\n',
  ),
);
console.log('built dist/cjs, dist/types, dist/esm');
