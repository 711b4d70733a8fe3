import { runHeapFixture } from '../helpers/heap-fixture';

interface Retained {
  kept: number;
  counts: Record<string, number>;
}

const run = (calls: number) => runHeapFixture<Retained>('retained-calls', [String(calls)], 120_000);

describe('a settled call is not retained by its handle', () => {
  test('10,000 settled model.fetch() handles kept by the app hold no call context, request or response object', async () => {
    const { kept, counts } = await run(10_000);
    expect(kept).toBe(10_000);
    // The snapshot does see what the app keeps: every handle is there.
    expect(counts.SyncHandle).toBe(10_000);
    expect(counts).toMatchObject({ CallContext: 0, Request: 0, ClientRequest: 0, IncomingMessage: 0, WireResponse: 0 });
  }, 130_000);
});
