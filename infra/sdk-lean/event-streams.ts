/**
 * `@smithy/core/event-streams` in the bundles of functions that no event-stream operation
 * serves (esbuild alias, infra/bundling.ts `usesEventStreams`): every SDK client's protocol
 * (`HttpProtocol.loadEventStreamCapability`) imports the event-stream codec with `import()`
 * for the operations whose input or output is an event stream, and esbuild inlines it, 14.6 KiB
 * of every bundle (issue 12). Of the project's clients, S3 (SelectObjectContent) and Bedrock
 * Runtime (the streaming Converse and InvokeModel calls) have such operations, and they import
 * the codec statically: building the client resolves an event-stream marshaller
 * (`resolveEventStreamSerdeConfig`). Here that marshaller is one whose every use throws, so an
 * S3 client is built and serves the operations the functions call (LEAN_CLIENT_OPERATIONS:
 * none streams events, test/infra/sdk-lean-event-streams.test.ts), and an operation that
 * encodes or decodes an event stream throws this module's error instead of running without
 * the codec. A function granted a model (Bedrock Runtime) keeps the real module. The exports
 * are the names the SDK's modules import from the package (esbuild checks them even in code
 * it then leaves out). Tests and `npm start` use the real module.
 */
export class EventStreamsNotBundledError extends Error {
  constructor() {
    super(
      'An SDK operation with an event stream was called in a Lambda bundle built without @smithy/core/event-streams: see usesEventStreams in infra/bundling.ts',
    );
    this.name = 'EventStreamsNotBundledError';
  }
}

/** Every export that encodes or decodes: called (or constructed with `new`) only where an event stream is. */
function notBundled(): never {
  throw new EventStreamsNotBundledError();
}

export const EventStreamSerde = notBundled;
export const EventStreamCodec = notBundled;
export const iterableToReadableStream = notBundled;
export const readableStreamToIterable = notBundled;

/** The marshaller a client is built with: its `serialize` and `deserialize` run only for an event stream. */
export interface NotBundledMarshaller {
  readonly serialize: () => never;
  readonly deserialize: () => never;
}
const notBundledMarshaller: NotBundledMarshaller = { serialize: notBundled, deserialize: notBundled };

/** The client runtime configs' provider (`eventStreamSerdeProvider`): the marshaller that throws when used. */
export function eventStreamSerdeProvider(): NotBundledMarshaller {
  return notBundledMarshaller;
}

/** What the S3 and Bedrock Runtime clients call when they are built: the SDK's resolver, with the config's provider. */
export function resolveEventStreamSerdeConfig<T extends { readonly eventStreamSerdeProvider: (config: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}
