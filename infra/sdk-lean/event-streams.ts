/**
 * `@smithy/core/event-streams` in the bundles of functions that no event-stream client
 * serves (esbuild alias, infra/bundling.ts `usesEventStreams`): every SDK client's protocol
 * (`HttpProtocol.loadEventStreamCapability`) imports the event-stream codec with `import()`
 * for the operations whose input or output is an event stream, and esbuild inlines it, 14.6 KiB
 * of every bundle (issue 12). Of the project's clients only S3 (SelectObjectContent) and
 * Bedrock Runtime (the streaming Converse and InvokeModel calls) have such operations, and they
 * import the codec statically: a function granted a bucket or a model keeps the real module,
 * and in a bundle that keeps an S3 or Bedrock client without that grant, building the client
 * throws this module's error. Should an operation of another client ever stream events, it
 * throws the same error instead of running without the codec. The exports are the names the
 * SDK's modules import from the package (esbuild checks them even in code it then leaves out).
 * Tests and `npm start` use the real module.
 */
export class EventStreamsNotBundledError extends Error {
  constructor() {
    super(
      'An SDK operation with an event stream was called in a Lambda bundle built without @smithy/core/event-streams (infra/sdk-lean/event-streams.ts): grant the function the bucket or model whose client streams events, so that infra/bundling.ts bundles the codec',
    );
    this.name = 'EventStreamsNotBundledError';
  }
}

/** Every export: called (or constructed with `new`) only where an event stream is encoded or decoded. */
function notBundled(): never {
  throw new EventStreamsNotBundledError();
}

export const EventStreamSerde = notBundled;
export const EventStreamCodec = notBundled;
export const eventStreamSerdeProvider = notBundled;
export const resolveEventStreamSerdeConfig = notBundled;
export const iterableToReadableStream = notBundled;
export const readableStreamToIterable = notBundled;
