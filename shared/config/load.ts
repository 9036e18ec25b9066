import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { CompanyConfigSchema, type CompanyConfig } from './schema.ts';

/** One problem in a config file, located as an editor shows it. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** A config that cannot be used; `message` lists every issue as `file:line:column: path: message`. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Parses and validates the YAML text of a company config.
 * @throws ConfigError naming file, line and column of each problem
 */
export function parseCompanyConfigYaml(text: string, file: string): CompanyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  const result = CompanyConfigSchema.safeParse(doc.toJS());
  if (!result.success) throw new ConfigError(locate(result.error.issues, doc, lineCounter, file));
  return result.data;
}

/**
 * Reads `companies/<id>.yaml` (or any path) and validates it.
 * @throws ConfigError when the file is missing or invalid
 */
export async function loadCompanyConfig(fileOrId: string, root = process.cwd()): Promise<CompanyConfig> {
  const file = fileOrId.endsWith('.yaml') || fileOrId.endsWith('.yml') ? fileOrId : path.join('companies', `${fileOrId}.yaml`);
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

/**
 * Validates the config JSON a function receives in its environment.
 * @throws ConfigError when it is missing or invalid
 */
export function parseCompanyConfigJson(json: string | undefined): CompanyConfig {
  if (!json) {
    throw new ConfigError([{ file: 'COMPANY_CONFIG', line: 1, column: 1, path: '', message: 'the company config is not set' }]);
  }
  const result = CompanyConfigSchema.safeParse(JSON.parse(json));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ file: 'COMPANY_CONFIG', line: 1, column: 1, path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data;
}

function locate(issues: readonly z.core.$ZodIssue[], doc: Document, lineCounter: LineCounter, file: string): ConfigIssue[] {
  return issues.map((issue) => {
    // Walk up the path until a node exists: a missing key is reported at its parent.
    let keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    let node: unknown = undefined;
    while (keyPath.length > 0) {
      node = doc.getIn(keyPath, true);
      if (isNode(node)) break;
      keyPath = keyPath.slice(0, -1);
    }
    if (!isNode(node)) node = doc.contents;
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: issue.path.map(String).join('.'), message: issue.message };
  });
}
