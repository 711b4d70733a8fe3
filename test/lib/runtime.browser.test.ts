import { createHash } from 'node:crypto';
import fc from 'fast-check';
import * as browser from '../../lib/runtime.browser';
import * as node from '../../lib/runtime';

describe('runtime.browser (the browser side of the seam)', () => {
  it('has exactly the exports of the Node side', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
    expect(browser.RUNTIME).toBe('browser');
    expect(node.RUNTIME).toBe('node');
  });

  it('sha256Hex gives the same digest as node:crypto, so keys match across platforms', () => {
    const nodeSha = (text: string) => createHash('sha256').update(text).digest('hex');
    // Padding edges: 55/56/63/64 bytes decide whether the length fits in the last block.
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
      expect(browser.sha256Hex('a'.repeat(length))).toBe(nodeSha('a'.repeat(length)));
    }
    expect(browser.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(browser.sha256Hex(text)).toBe(nodeSha(text));
      }),
      { numRuns: 300 },
    );
  });

  it('hmacSha256Hex, randomSecret and utf8Length agree with node:crypto and Buffer', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (secret, text) => {
        expect(browser.hmacSha256Hex(secret, text)).toBe(node.hmacSha256Hex(secret, text));
        expect(browser.utf8Length(text)).toBe(node.utf8Length(text));
      }),
      { numRuns: 300 },
    );
    const secrets = new Set(Array.from({ length: 20 }, () => browser.randomSecret()));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('statusTextOf prefers what XHR reported, then a table, then nothing', () => {
    expect(browser.statusTextOf(404, 'Nope')).toBe('Nope');
    expect(browser.statusTextOf(404, '')).toBe('Not Found');
    expect(browser.statusTextOf(201, undefined)).toBe('Created');
    expect(browser.statusTextOf(599, '')).toBe('');
  });

  it('has no agent and a parser that leaves res.text to the parse step', () => {
    expect(browser.defaultAgent('http://127.0.0.1/')).toBeUndefined();
    expect(browser.rawTextParser({}, '{"a":1}')).toBeUndefined();
  });

  it('loadedBackbone takes the page global first, else the bundled module', () => {
    const global = globalThis as { Backbone?: unknown };
    const pageBackbone = { emulateHTTP: true, emulateJSON: false };
    global.Backbone = pageBackbone;
    try {
      jest.isolateModules(() => {
        const fresh = require('../../lib/runtime.browser') as typeof browser;
        expect(fresh.loadedBackbone()).toBe(pageBackbone);
      });
    } finally {
      delete global.Backbone;
    }
    jest.isolateModules(() => {
      const fresh = require('../../lib/runtime.browser') as typeof browser;
      expect(fresh.loadedBackbone()).toBe(require('backbone'));
    });
  });
});
