import { z } from 'zod';

/*
 * The fields every platform's config entry shares, for the schemas the platforms declare
 * (shared/platforms/<platform>.ts, `config`). Every entry may name its secret
 * (`secretName`); it defaults to `backchannel/<company>/<platform>`.
 */

/** `secretName`: the entry's secret; describe its JSON with `.meta`. */
export const secretName = z.string().min(1).optional();
/** A list of the company's account ids on the platform. */
export const ids = z.array(z.string().min(1)).default([]);
/** `enabled`: every entry has it. */
export const enabled = z
  .boolean()
  .default(true)
  .meta({ description: 'false keeps the entry (and its secret) but takes no mentions from the platform' });

/** `pollSchedule` of a polled platform. */
export const pollSchedule = z
  .string()
  .regex(/^cron\(.+\)$/, 'use a cron(...) expression')
  .default('cron(0/5 * * * ? *)')
  .meta({
    description: "How often the poller runs: an EventBridge Scheduler cron expression in the company's timezone.",
  });
/** `backfillHours` of a polled platform. */
export const backfillHours = z.number().int().min(0).max(720).default(24).meta({
  description: 'On its first run the poller reads back this many hours; later runs resume from the stored cursor.',
});
