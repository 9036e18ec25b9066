import { z } from 'zod';
import { CATEGORIES } from '../domain/mention.ts';

/**
 * The `classifier` section of a company config: the company's keyword rules on top of the
 * model, and the optional cloud classifier for low-confidence mentions.
 */
export const KeywordRuleSchema = z.strictObject({
  id: z.string().min(1),
  /** Words or phrases (case-insensitive, matched at word starts). */
  keywords: z.array(z.string().min(1)).min(1),
  category: z.enum(CATEGORIES),
  /** `force` replaces the model's category; `add` lists the category beside it. */
  mode: z.enum(['force', 'add']).default('add'),
});

export const ClassifierConfigSchema = z
  .strictObject({
    keywordRules: z.array(KeywordRuleSchema).default([]),
    languages: z
      .array(z.string().regex(/^[a-z]{2}$/, 'use an ISO 639-1 language code such as de or en'))
      .min(1)
      .optional()
      .meta({
        description:
          'the company\'s languages (ISO 639-1), most frequent first: a short or uncertain text takes one of them ("so unhelpful" is English, not Slovenian); default: the language of company.locale and en',
      }),
    cloud: z
      .strictObject({
        enabled: z.boolean().default(false),
        modelId: z.string().min(1).default('amazon.nova-micro-v1:0'),
        /** Only mentions whose local confidence is below this are sent. */
        belowConfidence: z.number().min(0).max(1).default(0.5),
        timeoutMs: z.number().int().positive().default(1500),
      })
      .default({ enabled: false, modelId: 'amazon.nova-micro-v1:0', belowConfidence: 0.5, timeoutMs: 1500 }),
    triage: z
      .strictObject({
        belowConfidence: z.number().gt(0).max(1).meta({
          description:
            'a relevant mention whose calibrated category confidence is below this (0.5 recommended) goes to the fallback department, tagged `needs-triage` and listed first, instead of to the department its category names; rules on keywords, authors or key accounts still decide',
        }),
      })
      .optional()
      .meta({
        description:
          'unsure mentions go to a person first; off when absent (the cloud classifier, when enabled, answers before triage decides)',
      }),
  })
  .default({
    keywordRules: [],
    cloud: { enabled: false, modelId: 'amazon.nova-micro-v1:0', belowConfidence: 0.5, timeoutMs: 1500 },
  });
export type ClassifierConfig = z.infer<typeof ClassifierConfigSchema>;
