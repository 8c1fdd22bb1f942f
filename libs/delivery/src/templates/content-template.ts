import Handlebars from 'handlebars';

/**
 * Offer content templates. Every string in an offer's content is a Handlebars template
 * over {@link TemplateContext}. The accepted syntax is a safe subset: `{{path}}`,
 * `{{#if path}}` and `{{#unless path}}` with an optional `{{else}}`, and comments. Partials,
 * other helpers, hash arguments, sub-expressions, `this`, `../` and `@data` variables
 * are rejected, and so is unescaped output (`{{{x}}}`, `{{&x}}`), because escaping is the
 * channel's decision, not the template's.
 */

/** The values a content template can read. */
export interface TemplateContext {
  customer: { id: string; attributes: Record<string, unknown> };
  offer: { name: string; value: number };
}

/** A problem in one content field. `path` is relative to the content, such as `subject` or `lines[2]`. */
export interface TemplateProblem {
  path: string;
  message: string;
}

/** A variable of one content field that must have a value when the message is rendered. */
export interface TemplateVariable {
  path: string;
  variable: string;
}

const BLOCK_HELPERS = new Set(['if', 'unless']);
const OFFER_VARIABLES = new Set(['offer.name', 'offer.value']);
const ATTRIBUTE_PREFIX = 'customer.attributes.';
/** A customer attribute name as a template and a channel's recipient setting may name it. */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const engine = Handlebars.create();

/**
 * Checks every string of `content` as a template: syntax, the allowed constructs, and
 * that each variable is `customer.id`, `offer.name`, `offer.value` or
 * `customer.attributes.<name>` with a name from `requiredAttributes`.
 */
export function validateContentTemplates(content: unknown, requiredAttributes: readonly string[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const declared = new Set(requiredAttributes);
  forEachString(content, '', (path, source) => {
    const parsed = parseTemplate(source);
    if ('error' in parsed) {
      problems.push({ path, message: parsed.error });
      return;
    }
    for (const variable of parsed.variables) {
      const problem = checkVariable(variable, declared);
      if (problem !== null) {
        problems.push({ path, message: problem });
      }
    }
  });
  return problems;
}

/** Lists the variables each field outputs (not the conditions of `if` and `unless`), for the check before rendering. */
export function listOutputVariables(content: unknown): TemplateVariable[] {
  const variables: TemplateVariable[] = [];
  forEachString(content, '', (path, source) => {
    const parsed = parseTemplate(source);
    if (!('error' in parsed)) {
      variables.push(...parsed.outputs.map((variable) => ({ path, variable })));
    }
  });
  return variables;
}

/**
 * Renders every string of `content` with `context` and returns content of the same
 * shape. `escapeHtml(path)` decides per field whether output is HTML-escaped. Rendering
 * is strict: a variable without a value throws, so call {@link findMissingVariables} first
 * to turn that into a reason.
 */
export function renderContent(content: unknown, context: TemplateContext, escapeHtml: (path: string) => boolean): unknown {
  return mapStrings(content, '', (path, source) =>
    engine.compile(source, { strict: true, knownHelpersOnly: true, noEscape: !escapeHtml(path) })(context),
  );
}

/** Returns the first output variable of `content` that has no value in `context`, or null. */
export function findMissingVariables(content: unknown, context: TemplateContext): TemplateVariable | null {
  for (const entry of listOutputVariables(content)) {
    const value = entry.variable.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), context);
    if (value === undefined || value === null) {
      return entry;
    }
  }
  return null;
}

interface ParsedTemplate {
  /** Every variable, conditions included. */
  variables: string[];
  /** Variables whose value is written into the output. */
  outputs: string[];
}

function parseTemplate(source: string): ParsedTemplate | { error: string } {
  let program: hbs.AST.Program;
  try {
    program = engine.parse(source);
  } catch (error) {
    return { error: `is not a valid template: ${oneLine(error)}` };
  }
  const parsed: ParsedTemplate = { variables: [], outputs: [] };
  const error = walk(program, parsed);
  return error === null ? parsed : { error };
}

function walk(program: hbs.AST.Program, parsed: ParsedTemplate): string | null {
  for (const node of program.body) {
    const error = walkStatement(node, parsed);
    if (error !== null) {
      return error;
    }
  }
  return null;
}

function walkStatement(node: hbs.AST.Statement, parsed: ParsedTemplate): string | null {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return null;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      if (!mustache.escaped) {
        return 'uses unescaped output ({{{ }}} or {{& }}); write {{variable}} and let the channel decide on escaping';
      }
      if (mustache.params.length > 0 || (mustache.hash?.pairs.length ?? 0) > 0) {
        return `calls a helper in {{${describePath(mustache.path)} ...}}; only {{variable}}, {{#if}} and {{#unless}} are allowed`;
      }
      const variable = pathVariable(mustache.path);
      if ('error' in variable) {
        return variable.error;
      }
      parsed.variables.push(variable.name);
      parsed.outputs.push(variable.name);
      return null;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const helper = describePath(block.path);
      if (!BLOCK_HELPERS.has(helper)) {
        return `uses the block {{#${helper}}}; only {{#if}} and {{#unless}} are allowed`;
      }
      if (block.params.length !== 1 || (block.hash?.pairs.length ?? 0) > 0) {
        return `{{#${helper}}} takes exactly one variable, such as {{#${helper} customer.attributes.firstName}}`;
      }
      const condition = pathVariable(block.params[0]!);
      if ('error' in condition) {
        return condition.error;
      }
      parsed.variables.push(condition.name);
      return walk(block.program, parsed) ?? (block.inverse ? walk(block.inverse, parsed) : null);
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      return 'uses a partial ({{> name}}); partials are not supported';
    case 'DecoratorBlock':
    case 'Decorator':
      return 'uses a decorator; decorators are not supported';
    default:
      return `contains an unsupported template construct (${node.type})`;
  }
}

function pathVariable(expression: hbs.AST.Expression): { name: string } | { error: string } {
  if (expression.type !== 'PathExpression') {
    return { error: 'uses a literal or sub-expression where a variable is expected, such as customer.attributes.firstName' };
  }
  const path = expression as hbs.AST.PathExpression;
  if (path.data || path.depth > 0 || path.parts.length === 0 || /^(this|\.)([./]|$)/.test(path.original)) {
    return { error: `uses '${path.original}'; name a variable from the root, such as customer.attributes.firstName` };
  }
  return { name: path.parts.join('.') };
}

function checkVariable(name: string, declared: Set<string>): string | null {
  if (name === 'customer.id' || OFFER_VARIABLES.has(name)) {
    return null;
  }
  if (name.startsWith(ATTRIBUTE_PREFIX)) {
    const attribute = name.slice(ATTRIBUTE_PREFIX.length).split('.')[0]!;
    if (declared.has(attribute)) {
      return null;
    }
    return `uses the customer attribute '${attribute}', which is not in requiredAttributes; add it there or fix the name`;
  }
  return `uses the unknown variable '${name}'; use customer.id, customer.attributes.<name>, offer.name or offer.value`;
}

function describePath(expression: hbs.AST.Expression): string {
  return expression.type === 'PathExpression' ? (expression as hbs.AST.PathExpression).original : expression.type;
}

function forEachString(value: unknown, path: string, visit: (path: string, source: string) => void): void {
  mapStrings(value, path, (fieldPath, source) => {
    visit(fieldPath, source);
    return source;
  });
}

function mapStrings(value: unknown, path: string, map: (path: string, source: string) => string): unknown {
  if (typeof value === 'string') {
    return map(path, value);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => mapStrings(item, `${path}[${index}]`, map));
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, mapStrings(child, path === '' ? key : `${path}.${key}`, map)]),
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
