import type { ObservationKind } from '../model.js';
import type { AttributeBag } from './attribute-bag.js';
import type { JsonBounds } from './parse-jsonish.js';
import { parseJsonish } from './parse-jsonish.js';
import { unflattenIndexed } from './unflatten-indexed.js';

export interface IoFields {
  input?: unknown;
  output?: unknown;
}

type Rule = (bag: AttributeBag, bounds: JsonBounds) => unknown;

function attr(key: string): Rule {
  return (bag, bounds) => {
    const v = bag.take(key);
    return v === undefined || v === '' ? undefined : parseJsonish(v, bounds);
  };
}

function flattened(prefix: string, simplify?: (item: unknown) => unknown): Rule {
  return (bag) => {
    const entries = bag.takePrefix(prefix);
    if (entries.length === 0) return undefined;
    const items = unflattenIndexed(entries, prefix);
    return simplify ? items.map(simplify) : items;
  };
}

/** `input.value` / `output.value`, parsed unless their mime type says plain text. */
function openInferenceValue(which: 'input' | 'output'): Rule {
  const valueKey = `${which}.value`;
  const mimeKey = `${which}.mime_type`;
  return (bag, bounds) => {
    const v = bag.take(valueKey);
    const mime = bag.take(mimeKey);
    if (v === undefined || v === '') return undefined;
    return mime === 'text/plain' ? v : parseJsonish(v, bounds);
  };
}

/** OpenInference `llm.*_messages.N.message.*` into `{role, content, tool_calls}`. */
function openInferenceMessage(item: unknown): unknown {
  const message = (item as { message?: Record<string, unknown> } | null)?.message;
  if (!message || typeof message !== 'object') return item;
  const out: Record<string, unknown> = { ...message };
  if (Array.isArray(message.contents)) {
    out.contents = message.contents.map((c: unknown) => (c as { message_content?: unknown } | null)?.message_content ?? c);
  }
  if (Array.isArray(message.tool_calls)) {
    out.tool_calls = message.tool_calls.map((c: unknown) => (c as { tool_call?: unknown } | null)?.tool_call ?? c);
  }
  return out;
}

function openInferenceDocument(item: unknown): unknown {
  return (item as { document?: unknown } | null)?.document ?? item;
}

/** GenAI `gen_ai.input.messages`, preceded by `gen_ai.system_instructions` when both are present. */
const genAiInputMessages: Rule = (bag, bounds) => {
  const messages = attr('gen_ai.input.messages')(bag, bounds);
  const system = attr('gen_ai.system_instructions')(bag, bounds);
  if (messages === undefined) return system === undefined ? undefined : [{ role: 'system', parts: system }];
  if (system === undefined || !Array.isArray(messages)) return messages;
  return [{ role: 'system', parts: system }, ...(messages as unknown[])];
};

const TOOL_INPUT: Rule[] = [attr('gen_ai.tool.call.arguments'), attr('ai.toolCall.args')];
const TOOL_OUTPUT: Rule[] = [attr('gen_ai.tool.call.result'), attr('ai.toolCall.result')];

const RETRIEVER_INPUT: Rule[] = [attr('gen_ai.retrieval.query.text')];
const RETRIEVER_OUTPUT: Rule[] = [attr('gen_ai.retrieval.documents'), flattened('retrieval.documents.', openInferenceDocument)];

// In order of preference: structured messages over raw request/response text.
const INPUT_RULES: Rule[] = [
  genAiInputMessages,
  flattened('llm.input_messages.', openInferenceMessage),
  flattened('gen_ai.prompt.'),
  attr('gen_ai.prompt'),
  attr('ai.prompt.messages'),
  attr('ai.prompt'),
  attr('langfuse.observation.input'),
  openInferenceValue('input'),
];
const OUTPUT_RULES: Rule[] = [
  attr('gen_ai.output.messages'),
  flattened('llm.output_messages.', openInferenceMessage),
  flattened('gen_ai.completion.'),
  attr('gen_ai.completion'),
  attr('ai.response.text'),
  attr('ai.response.object'),
  attr('ai.response.toolCalls'),
  attr('langfuse.observation.output'),
  openInferenceValue('output'),
];

const TOOL_INPUT_RULES = [...TOOL_INPUT, ...INPUT_RULES];
const TOOL_OUTPUT_RULES = [...TOOL_OUTPUT, ...OUTPUT_RULES];
const RETRIEVER_INPUT_RULES = [...RETRIEVER_INPUT, ...INPUT_RULES];
const RETRIEVER_OUTPUT_RULES = [...RETRIEVER_OUTPUT, ...OUTPUT_RULES];

function firstOf(bag: AttributeBag, rules: Rule[], bounds: JsonBounds): unknown {
  // Every rule runs so that superseded alternatives (the raw `input.value` of a span that also has
  // structured messages) are marked mapped instead of being stored a second time as metadata.
  let found: unknown;
  for (const rule of rules) {
    const v = rule(bag, bounds);
    if (found === undefined && v !== undefined) found = v;
  }
  return found;
}

/**
 * Input and output of a span from the first convention that carries them. For tools the call's
 * arguments and result come first; for retrievers the query and the documents. OpenInference's
 * `tool.parameters` (the tool's JSON schema, not the call's arguments) is used only when nothing else
 * carries an input. JSON strings are parsed within `bounds`.
 *
 * @example
 * mapIo(new AttributeBag([['gen_ai.tool.call.arguments', '{"city":"Paris"}']]), 'tool', { maxChars: 65_536 });
 * // { input: { city: 'Paris' } }
 */
export function mapIo(bag: AttributeBag, kind: ObservationKind, bounds: JsonBounds): IoFields {
  const inputRules = kind === 'tool' ? TOOL_INPUT_RULES : kind === 'retriever' ? RETRIEVER_INPUT_RULES : INPUT_RULES;
  const outputRules = kind === 'tool' ? TOOL_OUTPUT_RULES : kind === 'retriever' ? RETRIEVER_OUTPUT_RULES : OUTPUT_RULES;
  const out: IoFields = {};
  let input = firstOf(bag, inputRules, bounds);
  if (input === undefined && kind === 'tool') input = attr('tool.parameters')(bag, bounds);
  const output = firstOf(bag, outputRules, bounds);
  if (input !== undefined) out.input = input;
  if (output !== undefined) out.output = output;
  return out;
}
