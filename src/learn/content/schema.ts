/**
 * The content model of Learn as zod schemas: modules (lessons + quiz questions), learning paths
 * per role, both languages side by side so a missing translation is a load error, not a blank.
 */
import { z } from 'zod';

/** Topics group questions for the adaptive quiz and spaced repetition; recommendations target them. */
export const TOPICS = [
  'ai-phishing',
  'deepfakes',
  'shadow-ai',
  'ai-assistants',
  'authentication',
  'updates',
  'reporting',
  'social-engineering',
  'mobile-qr',
  'payment-fraud',
  'data-protection',
  'organisation',
] as const;
export type Topic = (typeof TOPICS)[number];

/** Audiences of the shipped learning paths. */
export const AUDIENCES = [
  'all-staff',
  'finance',
  'hr',
  'executives',
  'developers',
  'it-admins',
  'managers',
  'ai-power-users',
] as const;
export type Audience = (typeof AUDIENCES)[number];

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const idSchema = z.string().regex(ID, 'lowercase letters, digits and dashes, 64 characters at most');

export const textSchema = z.strictObject({
  fr: z.string().trim().min(1).max(8000),
  en: z.string().trim().min(1).max(8000),
});

const choiceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]{1,8}$/),
  fr: z.string().trim().min(1).max(500),
  en: z.string().trim().min(1).max(500),
  correct: z.boolean().default(false),
});

const base = {
  id: idSchema,
  /** 1 easy, 2 medium, 3 hard: the adaptive quiz starts learners around 1.5. */
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  prompt: textSchema,
  explanation: textSchema,
};

/** A cloze sentence holds exactly one `___` where the answer goes. */
const clozeText = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine((s) => s.split('___').length === 2, 'a cloze sentence holds exactly one ___ blank');

export const questionSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({ ...base, kind: z.literal('single'), choices: z.array(choiceSchema).min(2).max(8) })
    .refine((q) => q.choices.filter((c) => c.correct).length === 1, {
      message: 'a single-choice question has exactly one correct choice',
      path: ['choices'],
    }),
  z
    .strictObject({ ...base, kind: z.literal('multiple'), choices: z.array(choiceSchema).min(2).max(8) })
    .refine((q) => q.choices.some((c) => c.correct), {
      message: 'a multiple-choice question has at least one correct choice',
      path: ['choices'],
    }),
  z.strictObject({ ...base, kind: z.literal('true-false'), answer: z.boolean() }),
  z.strictObject({
    ...base,
    kind: z.literal('cloze'),
    text: z.strictObject({ fr: clozeText, en: clozeText }),
    /** Accepted answers per language; compared without case, accents or surrounding spaces. */
    accept: z.strictObject({
      fr: z.array(z.string().trim().min(1).max(200)).min(1),
      en: z.array(z.string().trim().min(1).max(200)).min(1),
    }),
  }),
]);

export const lessonSchema = z.strictObject({
  id: idSchema,
  title: textSchema,
  /** Markdown. */
  body: textSchema,
});

export const moduleSchema = z
  .strictObject({
    id: idSchema,
    topic: z.enum(TOPICS),
    /** Estimated minutes to read the lessons and answer the quiz. */
    minutes: z.number().int().min(1).max(120),
    title: textSchema,
    summary: textSchema,
    /** A micro-module is short enough to assign after a single event (a click, a Guard warning). */
    micro: z.boolean().default(false),
    lessons: z.array(lessonSchema).min(1).max(12),
    questions: z.array(questionSchema).min(1).max(60),
  })
  .superRefine((m, ctx) => {
    for (const [list, name] of [
      [m.lessons, 'lessons'],
      [m.questions, 'questions'],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', message: `duplicate id ${item.id}`, path: [name, i, 'id'] });
        seen.add(item.id);
      });
    }
  });

export const pathSchema = z.strictObject({
  id: idSchema,
  audience: z.enum(AUDIENCES).or(idSchema),
  title: textSchema,
  summary: textSchema,
  /** Module ids in the order they are taken. */
  modules: z.array(idSchema).min(1).max(100),
});

export type LocalizedMarkdown = z.infer<typeof textSchema>;
export type Question = z.infer<typeof questionSchema>;
export type QuestionKind = Question['kind'];
export type Lesson = z.infer<typeof lessonSchema>;
export type ModuleData = z.infer<typeof moduleSchema>;
export type PathData = z.infer<typeof pathSchema>;
