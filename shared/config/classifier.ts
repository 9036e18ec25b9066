import { z } from 'zod';
import { GUARD_MARGIN } from '../domain/company-model.ts';
import { CATEGORIES } from '../domain/mention.ts';

/**
 * The `classifier` section of a company config: the company's keyword rules on top of the
 * model, and the optional cloud classifier for low-confidence mentions.
 */
export const KeywordRuleSchema = z.strictObject({
  id: z.string().min(1).meta({ description: 'unique name, shown in the classifier reasons of a mention' }),
  keywords: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: 'Words or phrases (case-insensitive, matched at word starts).' }),
  category: z.enum(CATEGORIES).meta({ description: 'the category a mention with one of the keywords gets' }),
  mode: z
    .enum(['force', 'add'])
    .default('add')
    .meta({ description: "`force` replaces the model's category; `add` lists the category beside it." }),
});

export const ClassifierConfigSchema = z
  .strictObject({
    keywordRules: z
      .array(KeywordRuleSchema)
      .default([])
      .meta({ description: "the company's keyword rules, on top of the model" }),
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
        enabled: z.boolean().default(false).meta({ description: 'ask Amazon Bedrock about low-confidence mentions' }),
        modelId: z
          .string()
          .min(1)
          .default('amazon.nova-micro-v1:0')
          .meta({ description: 'the Bedrock model that is asked (Converse API)' }),
        belowConfidence: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .meta({ description: 'Only mentions whose local confidence is below this are sent.' }),
        timeoutMs: z
          .number()
          .int()
          .positive()
          .default(1500)
          .meta({ description: 'after this the local result is used' }),
      })
      .default({ enabled: false, modelId: 'amazon.nova-micro-v1:0', belowConfidence: 0.5, timeoutMs: 1500 })
      .meta({
        description:
          'the optional cloud classifier (Amazon Bedrock) for low-confidence mentions, with the local result as fallback',
      }),
    modelGuardMargin: z.number().min(0).max(1).default(GUARD_MARGIN).meta({
      description:
        'how far (in accuracy) a newly trained company model may fall below the model in use, or below the shipped models, on real held-out text (sentiment per language, English category) and still be promoted; 0.02: honest company models fell up to 0.010 below the shipped models there (docs/classifier.md, round w17)',
    }),
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
    modelGuardMargin: GUARD_MARGIN,
    cloud: { enabled: false, modelId: 'amazon.nova-micro-v1:0', belowConfidence: 0.5, timeoutMs: 1500 },
  });
export type ClassifierConfig = z.infer<typeof ClassifierConfigSchema>;
