/**
 * Self time of a V8 CPU profile, by function and by module:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/bench.ts --rows=4
 *   npx tsx bench/profile-summary.ts [--top=25] /tmp/prof/*.cpuprofile   (several files are added up)
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The module a frame belongs to: the package under node_modules, this package's folder, or node's own. */
export function moduleOf(url: string): string {
  if (url === '') return '(V8 / native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const own = /\/(dist\/cjs\/(?:lib|middleware)|bench|lib|middleware)\//.exec(url);
  return own ? `backbone-super-sync ${own[1].replace('dist/cjs/', '')}` : url;
}

export function summarise(profile: Profile): {
  byFunction: Map<string, number>;
  byModule: Map<string, number>;
  total: number;
} {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    total += micros;
    const module = moduleOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${module}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byModule.set(module, (byModule.get(module) ?? 0) + micros);
  });
  return { byFunction, byModule, total };
}

function print(title: string, entries: Map<string, number>, total: number, top: number): void {
  console.log(`\n${title}`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const top = Number(args.find((arg) => arg.startsWith('--top='))?.slice('--top='.length) ?? 25);
  const files = args.filter((arg) => !arg.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: tsx bench/profile-summary.ts [--top=25] FILE.cpuprofile ...');
    process.exit(2);
  }
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const one = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    for (const [name, micros] of one.byFunction) byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    for (const [name, micros] of one.byModule) byModule.set(name, (byModule.get(name) ?? 0) + micros);
    total += one.total;
  }
  print('self time by module', byModule, total, top);
  print('self time by function', byFunction, total, top);
}
