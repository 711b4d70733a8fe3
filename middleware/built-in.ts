import type { StackEntry } from '../lib/stack';
import { cache } from './cache';
import { headers } from './headers';
import { parse } from './parse';
import { timeout } from './timeout';
import { transport } from './transport';

/** The default stack, outermost first. */
export function builtInSteps(): StackEntry[] {
  return [
    { name: 'timeout', middleware: timeout(), origin: 'built-in' },
    { name: 'headers', middleware: headers(), origin: 'built-in' },
    { name: 'cache', middleware: cache(), origin: 'built-in' },
    { name: 'parse', middleware: parse(), origin: 'built-in' },
    { name: 'transport', middleware: transport(), origin: 'built-in' },
  ];
}
