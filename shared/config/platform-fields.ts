import * as z from '../domain/zod-mini.ts';

/*
 * The fields every platform's config entry shares, for the schemas the platforms declare
 * (shared/platforms/<platform>.ts, `config`). Every entry may name its secret
 * (`secretName`); it defaults to `backchannel/<company>/<platform>`.
 *
 * Declared with zod/mini, like the platforms' schemas, so that ingest-webhook and the
 * pollers carry no classic zod; the classic company-config schema takes them unchanged
 * (shared/config/platforms.ts).
 */

/** `secretName`: the entry's secret; describe its JSON with `z.meta`. */
export const secretName = z.optional(z.string().check(z.minLength(1)));
/** A list of the company's account ids on the platform. */
export const ids = z._default(z.array(z.string().check(z.minLength(1))), []);
/** `enabled`: every entry has it. */
export const enabled = z
  ._default(z.boolean(), true)
  .check(z.meta({ description: 'false keeps the entry (and its secret) but takes no mentions from the platform' }));

/** `pollSchedule` of a polled platform. */
export const pollSchedule = z
  ._default(z.string().check(z.regex(/^cron\(.+\)$/, 'use a cron(...) expression')), 'cron(0/5 * * * ? *)')
  .check(
    z.meta({
      description: "How often the poller runs: an EventBridge Scheduler cron expression in the company's timezone.",
    }),
  );
/** `backfillHours` of a polled platform. */
export const backfillHours = z._default(z.number().check(z.int(), z.gte(0), z.lte(720)), 24).check(
  z.meta({
    description: 'On its first run the poller reads back this many hours; later runs resume from the stored cursor.',
  }),
);
