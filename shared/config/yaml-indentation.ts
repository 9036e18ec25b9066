/** A line whose indentation does not fit the block it is in. */
export interface IndentationProblem {
  /** 1-based line and column of the line's first character. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

interface Level {
  /** Column (0-based) at which the block's entries start. */
  readonly indent: number;
  /** Line (1-based) and first word of the entry that set it, to name it in a message. */
  readonly line: number;
  readonly key: string;
}

/**
 * Finds lines of a block-style YAML text (as company configs are written) that are indented
 * wrongly: a key indented under a key that already has a value, or a line that starts at a
 * column no open block starts at. The YAML parser reports these as "nested mappings are not
 * allowed in compact mappings" or "all mapping items must start at the same column", on
 * another line, which reads like a quoting problem; this names the line and the column.
 *
 * Block scalars (`|`, `>`) and multi-line flow collections (`[`, `{`) are skipped.
 */
export function findIndentationProblems(text: string): IndentationProblem[] {
  const problems: IndentationProblem[] = [];
  const open: Level[] = [];
  let previous: { indent: number; line: number; key: string; opensBlock: boolean; childIndent?: number } | undefined;
  let blockScalarIndent: number | undefined;
  let flowDepth = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    const content = raw.trimStart();
    const indent = raw.length - content.length;
    if (content === '' || content.startsWith('#')) continue;
    if (blockScalarIndent !== undefined) {
      if (indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    const code = withoutComment(content);
    if (flowDepth > 0) {
      flowDepth = Math.max(0, flowDepth + bracketBalance(code));
      continue;
    }
    if (content.startsWith('---') || content.startsWith('...') || content.startsWith('%')) continue;
    const key = /^(?:-\s+)*([^:\s]+)/.exec(content)?.[1] ?? content.slice(0, 20);

    while (open.length > 0 && (open.at(-1)?.indent ?? 0) > indent) open.pop();
    if (previous) {
      if (indent > previous.indent) {
        const allowed = previous.opensBlock || indent === previous.childIndent;
        if (!allowed && /^(?:-\s+)*[^\s"'][^:]*:(\s|$)/.test(code)) {
          const sibling = previous.childIndent ?? previous.indent;
          problems.push({
            line: lineNo,
            column: indent + 1,
            message: `bad indentation: "${key}" is indented more than "${previous.key}" on line ${previous.line}, which has a value already; keys of one mapping start at the same column (column ${sibling + 1} here)`,
          });
          continue;
        }
        if (allowed) open.push({ indent, line: lineNo, key });
      } else if (indent < previous.indent && open.at(-1)?.indent !== indent) {
        const levels = [...open, { indent: previous.indent, line: previous.line, key: previous.key }];
        // On a tie the deeper block: a key one space short of its siblings is one of them.
        const nearest = levels.reduce((best, l) =>
          Math.abs(l.indent - indent) <= Math.abs(best.indent - indent) ? l : best,
        );
        problems.push({
          line: lineNo,
          column: indent + 1,
          message: `bad indentation: "${key}" starts at column ${indent + 1}, but no block above starts there; did you mean column ${nearest.indent + 1}, as "${nearest.key}" on line ${nearest.line}?`,
        });
        continue;
      }
    }
    if (open.length === 0 || (open.at(-1)?.indent ?? -1) < indent) open.push({ indent, line: lineNo, key });

    // `- key: value` opens a mapping whose next keys start under `key`.
    const item = /^((?:-\s+)+)\S/.exec(code);
    const childIndent = item ? indent + (item[1]?.length ?? 0) : undefined;
    const opensBlock = /:$/.test(code) || /^-$/.test(code) || /(?:^|\s)-$/.test(code);
    previous = { indent, line: lineNo, key, opensBlock, ...(childIndent !== undefined ? { childIndent } : {}) };
    if (/[:-]\s*[|>][+-]?\d*$/.test(code)) blockScalarIndent = indent;
    flowDepth = Math.max(0, bracketBalance(code));
  }
  return problems;
}

/** The line without a trailing `# comment` (a `#` after a space, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ')) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

/** Opening minus closing flow brackets outside quotes. */
function bracketBalance(line: string): number {
  let balance = 0;
  let quote: string | undefined;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') balance++;
    else if (c === ']' || c === '}') balance--;
  }
  return balance;
}
