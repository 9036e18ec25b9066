import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleAlias, SDK_EVENT_STREAMS, usesEventStreams } from '../../infra/bundling.ts';
import * as leanEventStreams from '../../infra/sdk-lean/event-streams.ts';
import { EventStreamsNotBundledError } from '../../infra/sdk-lean/event-streams.ts';
import { buildTopology } from '../../infra/topology.ts';
import { demoConfig } from '../factories/config.ts';

/*
 * Functions that no event-stream client serves take @smithy/core/event-streams from
 * infra/sdk-lean/event-streams.ts: every export fails with a clear error where an event
 * stream would be encoded or decoded, and the functions granted a bucket (S3) or a model
 * (Bedrock Runtime) keep the SDK's codec.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the bundles’ event-stream codec (in place of @smithy/core/event-streams)', () => {
  const topology = buildTopology(demoConfig());

  it.each(Object.entries(leanEventStreams).filter(([name]) => name !== 'EventStreamsNotBundledError'))(
    '%s throws EventStreamsNotBundledError when called or constructed',
    (_name, exported) => {
      // Arrange
      const fn = exported as (...args: unknown[]) => unknown;

      // Act / Assess
      expect(() => fn({})).toThrow(EventStreamsNotBundledError);
      expect(() => Reflect.construct(fn, [{}])).toThrow(/built without @smithy\/core\/event-streams/);
    },
  );

  it('keeps the SDK’s codec for the functions granted a bucket or a model, and only for them', () => {
    // Act
    const keeping = topology.functions.filter((spec) => bundleAlias(ROOT, spec)[SDK_EVENT_STREAMS] === undefined);

    // Assess
    expect(keeping.map((spec) => spec.id).sort()).toEqual(
      topology.functions
        .filter((spec) => spec.grants.some((g) => g.resource === 'bucket' || g.resource === 'model'))
        .map((spec) => spec.id)
        .sort(),
    );
    expect(keeping.map((spec) => spec.id)).toEqual(expect.arrayContaining(['classify-mention', 'train-model']));
    expect(keeping.every(usesEventStreams)).toBe(true);
  });

  it('leaves the SDK’s codec and credential chain to a bundle built without those aliases (the benches’ baseline)', () => {
    // Act
    const alias = bundleAlias(ROOT, {}, [SDK_EVENT_STREAMS, '@aws-sdk/credential-provider-node']);

    // Assess
    expect(alias[SDK_EVENT_STREAMS]).toBeUndefined();
    expect(alias['@aws-sdk/credential-provider-node']).toBeUndefined();
    expect(alias['mnemonist/lru-cache']).toBe(path.join(ROOT, 'infra/sdk-lean/lru-cache.ts'));
  });
});
