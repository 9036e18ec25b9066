import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { holidayConfigIssues } from './holidays.ts';
import { loginIssues } from './login-check.ts';
import { CompanyConfigSchema, type CompanyConfig } from './schema.ts';
import { findIndentationProblems } from './yaml-indentation.ts';

// The functions read their config with parseCompanyConfigJson from config-json.ts: it needs
// neither the YAML parser nor date-holidays, which this module's file checks bring in.
export { ConfigError, type ConfigIssue } from './config-error.ts';
export { parseCompanyConfigJson } from './config-json.ts';

/**
 * Parses and validates the YAML text of a company config.
 * @throws ConfigError naming file, line and column of each problem
 */
export function parseCompanyConfigYaml(text: string, file: string): CompanyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(syntaxIssues(doc, text, file));
  const raw: unknown = doc.toJS();
  const result = CompanyConfigSchema.safeParse(raw);
  // Regions and their holidays are checked against date-holidays here, not in the schema
  // that the functions parse their config JSON with (see holidayConfigIssues).
  const holidayIssues = holidayConfigIssues(raw).map(
    (i) => ({ code: 'custom', path: [...i.path], message: i.message, input: undefined }) as z.core.$ZodIssue,
  );
  // Who can sign in is judged on a valid config only (it reads the parsed rules and admin section).
  const loginProblems = result.success
    ? loginIssues(result.data).map(
        (i) => ({ code: 'custom', path: [...i.path], message: i.message, input: undefined }) as z.core.$ZodIssue,
      )
    : [];
  if (!result.success || holidayIssues.length > 0 || loginProblems.length > 0) {
    const issues = locate(
      [...(result.success ? [] : result.error.issues), ...holidayIssues, ...loginProblems],
      doc,
      lineCounter,
      file,
    );
    throw new ConfigError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return result.data;
}

/**
 * The YAML errors of a text, one per mistake. A wrongly indented line is named as such (the
 * parser reports it on another line, as a mapping problem); the advice to quote a text with
 * ": " is only given where a line has such a text; several errors on one line are one issue.
 */
function syntaxIssues(doc: Document, text: string, file: string): ConfigIssue[] {
  const indentation = findIndentationProblems(text);
  if (indentation.length > 0)
    return indentation.map((p) => ({ file, line: p.line, column: p.column, path: '', message: p.message }));
  const lines = text.split(/\r?\n/);
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    if (issues.some((i) => i.line === pos.line)) continue;
    // The position is in front of the message already; drop yaml's own copy of it.
    const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
    const colonInText = /^\s*(?:-\s+)*[^\s"'#][^:#]*:\s+[^"'\s[{|>#][^#]*:\s/.test(lines[pos.line - 1] ?? '');
    issues.push({
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: colonInText ? `${message}; quote a text that contains ": " (a colon and a space)` : message,
    });
  }
  return issues;
}

/**
 * Reads `companies/<id>.yaml` (or any path) and validates it.
 * @throws ConfigError when the file is missing or invalid
 */
export async function loadCompanyConfig(fileOrId: string, root = process.cwd()): Promise<CompanyConfig> {
  const file =
    fileOrId.endsWith('.yaml') || fileOrId.endsWith('.yml') ? fileOrId : path.join('companies', `${fileOrId}.yaml`);
  let text: string;
  try {
    text = await readFile(path.resolve(root, file), 'utf8');
  } catch (error) {
    throw new ConfigError([
      { file, line: 1, column: 1, path: '', message: `cannot read the config: ${(error as Error).message}` },
    ]);
  }
  return parseCompanyConfigYaml(text, file);
}

/** The company ids of `companies/*.yaml` under `root`, sorted. */
export async function companyIds(root = process.cwd()): Promise<string[]> {
  const files = await readdir(path.resolve(root, 'companies'));
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Loads every company config of `companies/`. All are validated before any is returned,
 * and all problems of all files are reported together.
 * @throws ConfigError listing the issues of every invalid file
 */
export async function loadAllCompanyConfigs(root = process.cwd()): Promise<CompanyConfig[]> {
  const ids = await companyIds(root);
  const results = await Promise.allSettled(ids.map((id) => loadCompanyConfig(id, root)));
  const issues = results.flatMap((r) =>
    r.status === 'rejected' ? (r.reason instanceof ConfigError ? r.reason.issues : [rethrow(r.reason)]) : [],
  );
  if (issues.length > 0) throw new ConfigError(issues);
  const configs = results.map((r) => (r as PromiseFulfilledResult<CompanyConfig>).value);
  const seen = new Map<string, string>();
  for (const [index, config] of configs.entries()) {
    const file = path.join('companies', `${ids[index]}.yaml`);
    const other = seen.get(config.company.id);
    if (other)
      issues.push({
        file,
        line: 1,
        column: 1,
        path: 'company.id',
        message: `company id "${config.company.id}" is also used by ${other}; each company needs its own id (its stack and resource names derive from it)`,
      });
    seen.set(config.company.id, file);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return configs;
}

function rethrow(error: unknown): never {
  throw error;
}

function locate(
  issues: readonly z.core.$ZodIssue[],
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): ConfigIssue[] {
  return issues.map((raw) => {
    const issue = explainable(raw);
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const located = issue.code === 'unrecognized_keys' ? keyNode(doc, path, issue.keys[0]) : undefined;
    // Walk up the path until a node exists: a missing key is reported at its parent.
    let keyPath = path;
    let node: unknown = located;
    while (node === undefined && keyPath.length > 0) {
      const found = doc.getIn(keyPath, true);
      if (isNode(found)) node = found;
      else keyPath = keyPath.slice(0, -1);
    }
    if (!isNode(node)) node = doc.contents;
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const pos = lineCounter.linePos(offset);
    const value = doc.getIn(path);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: path.map(String).join('.'),
      message: messageOf(issue, value, path),
    };
  });
}

/**
 * The issue that says most: for a value that may be one thing or a list (a union), the
 * deepest problem of the option that came closest, rather than zod's "Invalid input".
 */
function explainable(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const nested = issue.errors
    .flat()
    .map((i) => explainable({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
  const telling = nested.filter((i) => i.code !== 'invalid_type');
  const pool = telling.length > 0 ? telling : nested;
  return pool.reduce((best, i) => (i.path.length > best.path.length ? i : best));
}

/** The key node of `key` in the mapping at `path`, so an unknown key is shown where it is written. */
function keyNode(doc: Document, path: readonly (string | number)[], key: string | undefined): unknown {
  if (key === undefined) return undefined;
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return pair?.key;
}

/** zod's message, said so that it tells how to fix the problem. */
function messageOf(issue: z.core.$ZodIssue, value: unknown, path: readonly (string | number)[]): string {
  switch (issue.code) {
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const guess = typeof value === 'string' ? (weekdayOf(value, allowed) ?? closest(value, allowed)) : undefined;
      return `${JSON.stringify(value)} is not allowed; use one of: ${allowed.join(', ')}${guess ? ` (did you mean ${guess.includes(',') ? `[${guess}]` : `"${guess}"`}?)` : ''}`;
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(CompanyConfigSchema, path);
      return issue.keys
        .map((key) => {
          const guess = closest(key, known);
          return `unknown key "${key}"; ${guess ? `did you mean "${guess}"? ` : ''}${known.length > 0 ? `known keys here: ${known.join(', ')}` : 'remove it'}`;
        })
        .join('; ');
    }
    case 'invalid_type':
      if (value === undefined) return `${String(path.at(-1) ?? 'value')} is required (${issue.expected})`;
      return `expected ${issue.expected}, got ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : typeof value}`;
    default:
      return issue.message;
  }
}

/** The keys an object schema accepts at a path of the config, for "did you mean". */
function knownKeysAt(schema: z.core.$ZodType, path: readonly (string | number)[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    current = current && child(current, segment);
  }
  return current ? keysOf(current) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
      return unwrap(def.innerType as z.core.$ZodType);
    case 'pipe':
      return unwrap(def.in as z.core.$ZodType);
    case 'lazy':
      return unwrap((def.getter as () => z.core.$ZodType)());
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

function child(schema: z.core.$ZodType, segment: string | number): z.core.$ZodType | undefined {
  for (const option of unwrap(schema)) {
    const def = option._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object' && typeof segment === 'string') {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      if (segment in shape) return shape[segment];
    }
    if (def.type === 'array' && typeof segment === 'number') return def.element as z.core.$ZodType;
    if (def.type === 'record' && typeof segment === 'string') return def.valueType as z.core.$ZodType;
  }
  return undefined;
}

function keysOf(schema: z.core.$ZodType): string[] {
  return unwrap(schema).flatMap((option) => {
    const def = option._zod.def as unknown as Record<string, unknown> & { type: string };
    return def.type === 'object' ? Object.keys(def.shape as object) : [];
  });
}

/** German and English names of weekdays, and their short forms, as the config spells them. */
const WEEKDAY_NAMES: Readonly<Record<string, readonly string[]>> = {
  mon: ['mo', 'montag', 'monday'],
  tue: ['di', 'die', 'dienstag', 'tu', 'tues', 'tuesday'],
  wed: ['mi', 'mit', 'mittwoch', 'we', 'wednesday'],
  thu: ['do', 'don', 'donnerstag', 'th', 'thur', 'thurs', 'thursday'],
  fri: ['fr', 'fre', 'freitag', 'friday'],
  sat: ['sa', 'sam', 'samstag', 'sonnabend', 'saturday'],
  sun: ['so', 'son', 'sonntag', 'su', 'sunday'],
};

/**
 * The weekday a German or English day name means (`Mo`, `Montag`, `Monday` -> `mon`), or a
 * range of them (`Mo-Fr` -> `mon, tue, wed, thu, fri`), when the allowed values are weekdays.
 * Edit distance cannot find these: `Do` is as near to `mon` as to `thu`.
 */
function weekdayOf(value: string, allowed: readonly string[]): string | undefined {
  const codes = Object.keys(WEEKDAY_NAMES);
  if (!codes.every((code) => allowed.includes(code))) return undefined;
  const one = (name: string) =>
    codes.find((code) => WEEKDAY_NAMES[code]?.includes(name.trim().toLowerCase().replace(/\.$/, '')));
  const range = /^(.+?)\s*[-–]\s*(.+)$/.exec(value);
  if (range) {
    const from = one(range[1] ?? '');
    const to = one(range[2] ?? '');
    if (from === undefined || to === undefined) return undefined;
    const start = codes.indexOf(from);
    const length = ((codes.indexOf(to) - start + 7) % 7) + 1;
    return Array.from({ length }, (_, i) => codes[(start + i) % 7]).join(', ');
  }
  return one(value);
}

/** The allowed word nearest to a misspelled one, when it is near enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
