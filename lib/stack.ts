import compose from 'koa-compose';
import type { Middleware, Placement, StepOrigin, SyncContext } from './types';

export interface StackEntry {
  readonly name: string;
  readonly middleware: Middleware;
  readonly origin: StepOrigin;
}

export type Pipeline = (ctx: SyncContext) => Promise<void>;

/** Where `use()` puts a step that names no place: just inside the user steps, before the first of these. */
const DEFAULT_ANCHORS = ['cache', 'parse', 'transport'];

/**
 * The stack as data: an ordered list of named steps, first = outermost. The composed pipeline is
 * cached and rebuilt only after an edit, so a call never pays for composing.
 */
export class MiddlewareStack {
  private entries: StackEntry[];
  private composed: Pipeline | undefined;

  constructor(entries: readonly StackEntry[] = []) {
    this.entries = entries.slice();
  }

  names(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  list(): readonly StackEntry[] {
    return this.entries;
  }

  has(name: string): boolean {
    return this.indexOf(name) !== -1;
  }

  add(
    name: string | undefined,
    middleware: Middleware,
    placement: Placement = {},
    origin: StepOrigin = 'instance',
  ): void {
    checkMiddleware(middleware);
    if (placement.before !== undefined && placement.after !== undefined) {
      throw new TypeError(`Step "${name}": give either { before } or { after }, not both`);
    }
    const stepName = name === undefined ? this.freeName(middleware.name || 'middleware') : checkName(name);
    if (this.has(stepName)) throw new Error(`A step named "${stepName}" is already in the stack`);
    const index =
      placement.before !== undefined
        ? this.anchorIndex(placement.before)
        : placement.after !== undefined
          ? this.anchorIndex(placement.after) + 1
          : this.defaultIndex();
    this.entries.splice(index, 0, { name: stepName, middleware, origin });
    this.composed = undefined;
  }

  remove(name: string): void {
    this.entries.splice(this.anchorIndex(name), 1);
    this.composed = undefined;
  }

  replace(name: string, middleware: Middleware): void {
    checkMiddleware(middleware);
    const index = this.anchorIndex(name);
    this.entries[index] = { name, middleware, origin: this.entries[index].origin };
    this.composed = undefined;
  }

  clone(): MiddlewareStack {
    return new MiddlewareStack(this.entries);
  }

  pipeline(): Pipeline {
    return (this.composed ??= compose(this.entries.map((entry) => entry.middleware)) as Pipeline);
  }

  private indexOf(name: string): number {
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i].name === name) return i;
    return -1;
  }

  private anchorIndex(name: string): number {
    const index = this.indexOf(name);
    if (index === -1) throw new Error(`No step named "${name}" in the stack (steps: ${this.names().join(', ')})`);
    return index;
  }

  private defaultIndex(): number {
    for (const anchor of DEFAULT_ANCHORS) {
      const index = this.indexOf(anchor);
      if (index !== -1) return index;
    }
    return this.entries.length;
  }

  private freeName(base: string): string {
    if (!this.has(base)) return base;
    let n = 2;
    while (this.has(`${base}-${n}`)) n++;
    return `${base}-${n}`;
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`A step name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkMiddleware(middleware: unknown): asserts middleware is Middleware {
  if (typeof middleware !== 'function') {
    throw new TypeError(`Middleware must be a function (ctx, next) => Promise<void>, got ${typeof middleware}`);
  }
}

/**
 * The onion as text: each step's box holds the steps inside it; the request goes down through the
 * opening lines, the response comes back up through the closing ones.
 */
export function renderOnion(entries: readonly StackEntry[]): string {
  const labels = entries.map((entry) => `${entry.name} (${entry.origin})`);
  const depth = entries.length;
  const inner = Math.max(20, ...labels.map((label) => label.length)) + 4;
  const width = inner + 4 * depth;
  const lines = ['request ↓'.padEnd(width - 10) + '↑ response'];
  labels.forEach((label, i) => {
    const left = '│ '.repeat(i);
    const right = ' │'.repeat(i);
    const room = width - 4 * i;
    if (i === depth - 1) lines.push(left + `  ${label}`.padEnd(room) + right);
    else lines.push(left + `┌ ${label} `.padEnd(room - 1, '─') + '┐' + right);
  });
  for (let i = depth - 2; i >= 0; i--) {
    lines.push('│ '.repeat(i) + '└' + '─'.repeat(width - 4 * i - 2) + '┘' + ' │'.repeat(i));
  }
  return lines.join('\n');
}
