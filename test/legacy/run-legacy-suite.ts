// Runs backbone-super-sync 1.1.1's own mocha suite (test.js from the installed `legacy-super-sync`
// package) against this package's build, outside the project: the file is copied to a temporary folder
// at run time and never kept here. Only its Express 4 idioms are adapted for Express 5, and its
// `require('./index.js')` loads the build with `cacheKey = legacyCacheKey`, as the README's migration says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const modules = path.join(root, 'node_modules');

/** The Express 4 calls the suite makes, in their Express 5 form; each must be found, or the suite changed. */
const ADAPTATIONS: Array<[string, string]> = [
  ["res.send(404, { message: 'Not Found' });", "res.status(404).send({ message: 'Not Found' });"],
  ['app.use(bodyParser());', 'app.use(bodyParser.json()); app.use(bodyParser.urlencoded({ extended: true }));'],
  ["require('./index.js')", 'require(process.env.SUPER_SYNC_ENTRY)'],
];

export interface LegacyRun {
  passes: number;
  failures: number;
  failed: string[];
}

export function runLegacySuite(): LegacyRun {
  let source = readFileSync(path.join(modules, 'legacy-super-sync', 'test.js'), 'utf8');
  for (const [from, to] of ADAPTATIONS) {
    if (!source.includes(from)) throw new Error(`1.1.1's test.js no longer contains ${JSON.stringify(from)}`);
    source = source.split(from).join(to);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bss-legacy-'));
  try {
    writeFileSync(path.join(dir, 'test.js'), source);
    writeFileSync(
      path.join(dir, 'entry.js'),
      `const superSync = require(${JSON.stringify(path.join(root, 'dist', 'cjs', 'lib', 'cjs.js'))});\n` +
        'superSync.cacheKey = superSync.legacyCacheKey;\nmodule.exports = superSync;\n',
    );
    // 1.1.1's suite was written against node_redis 3 (callbacks): that client, under the name it requires.
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(path.join(modules, 'redis-v3'), path.join(dir, 'node_modules', 'redis'), 'dir');
    const output = execFileSync(
      process.execPath,
      [path.join(modules, 'mocha', 'bin', 'mocha.js'), '--reporter', 'json', '--timeout', '5000', '--exit', 'test.js'],
      {
        cwd: dir,
        env: { ...process.env, NODE_PATH: modules, SUPER_SYNC_ENTRY: path.join(dir, 'entry.js') },
        encoding: 'utf8',
        timeout: 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return summarise(output);
  } catch (error) {
    const output = (error as { stdout?: string }).stdout;
    if (output) return summarise(output);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(output: string): LegacyRun {
  const report = JSON.parse(output.slice(output.indexOf('{'))) as {
    stats: { passes: number; failures: number };
    failures: Array<{ fullTitle: string; err: { message: string } }>;
  };
  return {
    passes: report.stats.passes,
    failures: report.stats.failures,
    failed: report.failures.map((failure) => `${failure.fullTitle}: ${failure.err.message}`),
  };
}

if (require.main === module) {
  const run = runLegacySuite();
  console.log(JSON.stringify(run, null, 2));
  process.exitCode = run.failures === 0 ? 0 : 1;
}
