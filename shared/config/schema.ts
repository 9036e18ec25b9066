import { z } from 'zod';
import { CATEGORIES } from '../domain/mention.ts';
import { ClassifierConfigSchema } from './classifier.ts';
import { PlatformsSchema } from './platforms.ts';

/**
 * The company config (`companies/<id>.yaml`), the single source for the topology,
 * the handlers and the local runtime. This is the spine's subset of the config language;
 * the full language (routing rules, members, business hours) extends it.
 */
const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}$/, 'use 2-31 lowercase letters, digits or dashes, starting with a letter');

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA timezone (for example Europe/Berlin)' },
);

const minutes = z.number().int().positive('an SLA is a positive number of minutes');

export const DepartmentSchema = z.strictObject({
  id,
  name: z.string().min(1),
  /** Categories this department owns; a mention of one of them is routed here. */
  categories: z.array(z.enum(CATEGORIES)).default([]),
  /** Minutes until a case of each priority is due. */
  sla: z.strictObject({ high: minutes, normal: minutes, low: minutes }),
});

export const CompanyConfigSchema = z.strictObject({
  company: z.strictObject({
    id,
    name: z.string().min(1),
    locale: z.string().min(2).default('de-DE'),
    timezone,
  }),
  platforms: PlatformsSchema,
  departments: z.array(DepartmentSchema).min(1, 'a company needs at least one department'),
  routing: z.strictObject({
    /** Department that receives what no other department claims. */
    fallback: id,
  }),
  /** Words that make a mention relevant to this company (brand and product names). */
  keywords: z
    .strictObject({
      brand: z.array(z.string().min(1)).default([]),
      products: z.array(z.string().min(1)).default([]),
    })
    .default({ brand: [], products: [] }),
  reports: z
    .strictObject({
      /** EventBridge Scheduler expression in the company's timezone. */
      daily: z.string().regex(/^cron\(.+\)$/, 'use a cron(...) expression').default('cron(0 6 * * ? *)'),
    })
    .default({ daily: 'cron(0 6 * * ? *)' }),
  retention: z.strictObject({ days: z.number().int().positive() }).default({ days: 365 }),
  classifier: ClassifierConfigSchema,
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.departments.forEach((department, index) => {
    if (seen.has(department.id)) {
      ctx.addIssue({ code: 'custom', path: ['departments', index, 'id'], message: `duplicate department id "${department.id}"` });
    }
    seen.add(department.id);
  });
  if (!seen.has(config.routing.fallback)) {
    ctx.addIssue({
      code: 'custom',
      path: ['routing', 'fallback'],
      message: `unknown department "${config.routing.fallback}"; use one of: ${[...seen].join(', ')}`,
    });
  }
  const owners = new Map<string, string>();
  config.departments.forEach((department, index) => {
    department.categories.forEach((category, categoryIndex) => {
      const owner = owners.get(category);
      if (owner) {
        ctx.addIssue({
          code: 'custom',
          path: ['departments', index, 'categories', categoryIndex],
          message: `category "${category}" is already owned by department "${owner}"`,
        });
      }
      owners.set(category, department.id);
    });
  });
});

export type CompanyConfig = z.infer<typeof CompanyConfigSchema>;
export type DepartmentConfig = z.infer<typeof DepartmentSchema>;
