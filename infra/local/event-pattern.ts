import type { EventPattern } from '../topology.ts';

/**
 * EventBridge event patterns for the local bus: the operators the topology uses (exact
 * values, prefix, anything-but, exists, numeric), with EventBridge's semantics as the
 * EventBridge user guide describes them (eb-event-patterns, eb-event-patterns-arrays,
 * eb-event-patterns-content-based-filtering, eb-event-patterns-null-values).
 * Pure: no I/O.
 */

/** The operators the local bus implements; any other one stops the runtime at boot. */
export const SUPPORTED_OPERATORS = ['prefix', 'anything-but', 'exists', 'numeric'] as const;

/** A pattern the local bus cannot evaluate the way EventBridge would. */
export class EventPatternError extends Error {
  constructor(
    readonly rule: string,
    /** Dotted path of the offending field in the pattern, `` for the pattern itself. */
    readonly path: string,
    message: string,
    /** The unsupported operator, when that is the problem. */
    readonly operator?: string,
  ) {
    super(`event rule "${rule}": ${message}${path ? ` at ${path}` : ''}`);
    this.name = 'EventPatternError';
  }
}

/**
 * Checks that a pattern is well formed and uses only the operators the local bus implements.
 * @throws EventPatternError naming the rule, the field and the operator
 * @example validatePattern({ detail: { department: ['press'] } }, 'route-press')
 */
export function validatePattern(pattern: unknown, rule = 'pattern'): asserts pattern is EventPattern {
  if (!isPlainObject(pattern) || Object.keys(pattern).length === 0) {
    throw new EventPatternError(rule, '', 'an event pattern is a non-empty JSON object');
  }
  validateObject(pattern, rule, []);
}

function validateObject(pattern: Record<string, unknown>, rule: string, path: string[]): void {
  for (const [key, value] of Object.entries(pattern)) {
    const here = [...path, key];
    if (key.startsWith('$')) {
      throw unsupported(rule, here, key);
    }
    if (Array.isArray(value)) {
      if (value.length === 0)
        throw new EventPatternError(rule, here.join('.'), 'a list of match values must not be empty');
      value.forEach((matcher) => {
        validateMatcher(matcher, rule, here);
      });
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0)
        throw new EventPatternError(rule, here.join('.'), 'a nested pattern must not be empty');
      validateObject(value, rule, here);
    } else {
      throw new EventPatternError(
        rule,
        here.join('.'),
        'a field of a pattern is a list of match values or a nested pattern',
      );
    }
  }
}

function validateMatcher(matcher: unknown, rule: string, path: string[]): void {
  const where = path.join('.');
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return;
  if (!isPlainObject(matcher)) {
    throw new EventPatternError(rule, where, `${JSON.stringify(matcher)} is neither a value nor an operator`);
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    throw new EventPatternError(
      rule,
      where,
      `an operator object has exactly one key, got ${keys.length ? keys.join(', ') : 'none'}`,
    );
  }
  const operator = keys[0] as string;
  const argument = matcher[operator];
  switch (operator) {
    case 'prefix':
      if (typeof argument === 'string') return;
      if (isPlainObject(argument)) throw unsupported(rule, path, `prefix/${Object.keys(argument).join(',')}`);
      throw new EventPatternError(rule, where, '"prefix" takes a string');
    case 'anything-but':
      validateAnythingBut(argument, rule, path);
      return;
    case 'exists':
      if (typeof argument === 'boolean') return;
      throw new EventPatternError(rule, where, '"exists" takes true or false');
    case 'numeric':
      validateNumeric(argument, rule, where);
      return;
    default:
      throw unsupported(rule, path, operator);
  }
}

function validateAnythingBut(argument: unknown, rule: string, path: string[]): void {
  const where = path.join('.');
  if (typeof argument === 'string' || typeof argument === 'number') return;
  if (Array.isArray(argument)) {
    const allStrings = argument.every((v) => typeof v === 'string');
    const allNumbers = argument.every((v) => typeof v === 'number');
    if (argument.length > 0 && (allStrings || allNumbers)) return;
    throw new EventPatternError(rule, where, '"anything-but" takes a non-empty list of only strings or only numbers');
  }
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    if (keys.length === 1 && keys[0] === 'prefix' && typeof argument.prefix === 'string') return;
    throw unsupported(rule, path, `anything-but/${keys.join(',')}`);
  }
  throw new EventPatternError(rule, where, '"anything-but" takes a string, a number or a list of them');
}

const LOWER = ['>', '>='];
const UPPER = ['<', '<='];
const NUMERIC_LIMIT = 1e9;

function validateNumeric(argument: unknown, rule: string, where: string): void {
  const fail = (why: string) => new EventPatternError(rule, where, `"numeric" ${why}`);
  if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) {
    throw fail('takes pairs of a comparison and a number, such as [">", 0, "<=", 5]');
  }
  const operators: string[] = [];
  for (let i = 0; i < argument.length; i += 2) {
    const op = argument[i];
    const value = argument[i + 1];
    if (typeof op !== 'string' || !['=', ...LOWER, ...UPPER].includes(op))
      throw fail(`has an unknown comparison ${JSON.stringify(op)}`);
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw fail(`compares with a number, got ${JSON.stringify(value)}`);
    // EventBridge limits numeric matching to -1e9..1e9.
    if (Math.abs(value) > NUMERIC_LIMIT) throw fail(`values lie between -1e9 and 1e9, got ${value}`);
    operators.push(op);
  }
  if (operators.includes('=') && operators.length > 1) throw fail('"=" stands alone');
  if (
    operators.filter((op) => LOWER.includes(op)).length > 1 ||
    operators.filter((op) => UPPER.includes(op)).length > 1
  ) {
    throw fail('takes at most one lower and one upper bound');
  }
}

function unsupported(rule: string, path: string[], operator: string): EventPatternError {
  return new EventPatternError(
    rule,
    path.join('.'),
    `unsupported event pattern operator "${operator}"; the local bus implements exact values, ${SUPPORTED_OPERATORS.join(', ')}`,
    operator,
  );
}

/**
 * Whether an event matches a pattern: every field of the pattern must match; a list of
 * match values matches when any of them does; an array in the event matches when any of
 * its elements does. Call `validatePattern` first: unknown operators never match here.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, isPlainObject(event) ? event : {});
}

function matchesObject(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    const present = Object.hasOwn(event, key);
    const value = present ? event[key] : undefined;
    if (Array.isArray(sub)) return matchesField(sub, present, value);
    // A nested pattern over a missing or scalar field sees no fields there, so only
    // `exists: false` conditions can match; over an array it matches any element.
    const subPattern = sub as EventPattern;
    if (Array.isArray(value))
      return value.some((element) => matchesObject(subPattern, isPlainObject(element) ? element : {}));
    return matchesObject(subPattern, isPlainObject(value) ? value : {});
  });
}

function matchesField(matchers: readonly unknown[], present: boolean, value: unknown): boolean {
  // Leaf values of the field: an array contributes its scalar elements; an object is not a leaf.
  const leaves = !present
    ? []
    : Array.isArray(value)
      ? value.filter((v) => !isPlainObject(v) && !Array.isArray(v))
      : isPlainObject(value)
        ? []
        : [value];
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) return matcher.exists === leaves.length > 0;
    return leaves.some((leaf) => matchesValue(matcher, leaf));
  });
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isPlainObject(matcher)) return matcher === value;
  if ('prefix' in matcher) return typeof value === 'string' && value.startsWith(matcher.prefix as string);
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (isPlainObject(excluded)) return typeof value === 'string' && !value.startsWith(excluded.prefix as string);
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  if ('numeric' in matcher)
    return typeof value === 'number' && matchesNumeric(matcher.numeric as readonly (string | number)[], value);
  return false;
}

function matchesNumeric(conditions: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[conditions[i] as '=' | '<' | '<=' | '>' | '>='];
    if (!ok) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
