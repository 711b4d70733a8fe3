import { compose, type Pipeline } from './compose';
import type { Middleware, Placement, StepOrder, StepOrigin } from './types';

export interface StackEntry {
  readonly name: string;
  readonly middleware: Middleware;
  readonly origin: StepOrigin;
}

export type { Pipeline };

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

  /**
   * Inserts a step. Without a placement it goes before the first of `cache`, `parse`, `transport`,
   * moved as little as needed to honour every step's `order`; a placement that breaks one throws.
   */
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
          : this.allowedIndex(stepName, middleware, this.defaultIndex());
    const entries = this.entries.slice();
    entries.splice(index, 0, { name: stepName, middleware, origin });
    checkOrder(entries);
    this.entries = entries;
    this.composed = undefined;
  }

  remove(name: string): void {
    this.entries.splice(this.anchorIndex(name), 1);
    this.composed = undefined;
  }

  replace(name: string, middleware: Middleware): void {
    checkMiddleware(middleware);
    const index = this.anchorIndex(name);
    const entries = this.entries.slice();
    entries[index] = { name, middleware, origin: this.entries[index].origin };
    checkOrder(entries);
    this.entries = entries;
    this.composed = undefined;
  }

  /** This stack plus a call's own steps (origin `per-request`), placed as `add` places them. */
  withRequestSteps(middleware: unknown): MiddlewareStack {
    if (!Array.isArray(middleware)) {
      throw new TypeError(`options.middleware must be an array of middleware functions, got ${typeof middleware}`);
    }
    const stack = this.clone();
    for (const step of middleware) stack.add(undefined, step, {}, 'per-request');
    return stack;
  }

  clone(): MiddlewareStack {
    return new MiddlewareStack(this.entries);
  }

  pipeline(): Pipeline {
    return (this.composed ??= compose(this.entries));
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

  /** `preferred`, moved into the range every order rule that involves `name` allows. */
  private allowedIndex(name: string, middleware: Middleware, preferred: number): number {
    let low = 0;
    let high = this.entries.length;
    const own = middleware.order;
    for (const other of own?.before ?? []) {
      const index = this.indexOf(other);
      if (index !== -1) high = Math.min(high, index);
    }
    for (const other of own?.after ?? []) {
      const index = this.indexOf(other);
      if (index !== -1) low = Math.max(low, index + 1);
    }
    this.entries.forEach((entry, index) => {
      const order = entry.middleware.order;
      if (order?.before?.includes(name)) low = Math.max(low, index + 1);
      if (order?.after?.includes(name)) high = Math.min(high, index);
    });
    // When the rules contradict each other, checkOrder names the one that breaks.
    return Math.min(Math.max(preferred, low), high);
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
  const reentrant: unknown = (middleware as Middleware).reentrant;
  if (reentrant !== undefined && typeof reentrant !== 'boolean') {
    throw new TypeError(`The reentrant flag of step "${middleware.name || 'middleware'}" must be true or false`);
  }
  const order: unknown = (middleware as Middleware).order;
  if (order === undefined) return;
  const label = `The order of step "${middleware.name || 'middleware'}"`;
  if (order === null || typeof order !== 'object') throw new TypeError(`${label} must be an object { before, after }`);
  for (const key of ['before', 'after'] as const) {
    const names = (order as StepOrder)[key];
    if (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) {
      throw new TypeError(`${label}: "${key}" must be an array of step names`);
    }
  }
}

/** Throws at the first step whose declared `order` the list breaks, naming both steps. */
function checkOrder(entries: readonly StackEntry[]): void {
  entries.forEach((entry, index) => {
    const order = entry.middleware.order;
    if (!order) return;
    const why = order.reason ? ` (${order.reason})` : '';
    for (const other of order.before ?? []) {
      const at = entries.findIndex((candidate) => candidate.name === other);
      if (at !== -1 && at < index) {
        throw new Error(`Step "${entry.name}" must sit before (outside) "${other}"${why}, but it would run inside it`);
      }
    }
    for (const other of order.after ?? []) {
      const at = entries.findIndex((candidate) => candidate.name === other);
      if (at !== -1 && at > index) {
        throw new Error(`Step "${entry.name}" must sit after (inside) "${other}"${why}, but it would run outside it`);
      }
    }
  });
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
