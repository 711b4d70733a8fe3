/** `backbone-super-sync/testing`: test an app's models through its own stack, without a server. */
export { mockTransport } from './mock-transport';
export type { MockTransport } from './mock-transport';
export type { MockReply, MockRequest, MockResponder, MockRoute } from './routes';
