import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** Every .ts file of lib/ and middleware/ with the relative modules it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of ['lib', 'middleware']) {
    for (const file of readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const from = path.join(folder, file);
      const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, from), 'utf8'), true, true);
      const targets = importedFiles
        .map((imported) => imported.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => path.normalize(path.join(path.dirname(from), name)))
        .map((name) => (name.endsWith('.ts') ? name : `${name}.ts`));
      graph.set(from, targets);
    }
  }
  // A folder imported by name is its index.
  for (const [from, targets] of graph) {
    graph.set(
      from,
      targets.map((target) => (graph.has(target) ? target : path.join(target.slice(0, -3), 'index.ts'))),
    );
  }
  return graph;
}

/** The import circles of `graph`, each as the files around it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === 'visiting') found.push([...stack.slice(stack.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the import graph of lib/ and middleware/', () => {
  test('has no circles', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(30);
    expect(circles(graph).map((circle) => circle.join(' -> '))).toEqual([]);
  });

  test('the core imports nothing from the cache, and the cache uses the core only through the toolkit', () => {
    const graph = importGraph();
    const cache = path.join('lib', 'cache') + path.sep;
    const coreToCache: string[] = [];
    const cacheToCore: string[] = [];
    for (const [from, targets] of graph) {
      for (const target of targets) {
        const fromCache = from.startsWith(cache);
        const toCache = target.startsWith(cache);
        if (!fromCache && toCache && from.startsWith('lib') && from !== path.join('lib', 'index.ts'))
          coreToCache.push(`${from} -> ${target}`);
        if (fromCache && !toCache && !['toolkit.ts', 'types.ts'].includes(path.relative('lib', target)))
          cacheToCore.push(`${from} -> ${target}`);
      }
    }
    expect({ coreToCache, cacheToCore }).toEqual({ coreToCache: [], cacheToCore: [] });
    // Not vacuous: the cache is in the graph, and uses the toolkit.
    expect(graph.get(path.join('lib', 'cache', 'step.ts'))).toContain(path.join('lib', 'toolkit.ts'));
  });

  test('the check finds a circle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(circles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
