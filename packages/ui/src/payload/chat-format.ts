/**
 * Recognizes chat-shaped payloads (OpenAI and Anthropic style messages, `{messages}`, `{choices}`)
 * and normalizes them for display. Anything else stays JSON.
 */
export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'tool-call'; id: string | null; name: string; args: unknown }
  | { type: 'tool-result'; toolCallId: string | null; content: unknown }
  | { type: 'image'; source: string }
  | { type: 'other'; value: unknown };

export interface ChatMessage {
  role: string;
  name: string | null;
  /** Set on `role: tool` messages: the call this result answers. */
  toolCallId: string | null;
  parts: ChatPart[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const looksLikeMessage = (v: unknown): v is Obj =>
  isObj(v) && typeof v.role === 'string' && ('content' in v || 'tool_calls' in v || 'parts' in v);

/** The messages in `payload` when it looks like a conversation, else null. */
export function toChatMessages(payload: unknown): ChatMessage[] | null {
  let list: unknown[] | null = null;
  if (Array.isArray(payload) && payload.length > 0 && payload.every(looksLikeMessage)) list = payload;
  else if (isObj(payload) && Array.isArray(payload.messages) && payload.messages.every(looksLikeMessage))
    list = payload.messages;
  else if (looksLikeMessage(payload)) list = [payload];
  else if (isObj(payload) && Array.isArray(payload.choices)) {
    const messages = payload.choices.map((c) => (isObj(c) ? c.message : undefined));
    if (messages.length > 0 && messages.every(looksLikeMessage)) list = messages;
  }
  if (!list || list.length === 0) return null;
  return list.map((m) => toMessage(m as Obj));
}

function toMessage(m: Obj): ChatMessage {
  const parts: ChatPart[] = [];
  const content = m.content ?? m.parts;
  if (typeof content === 'string') parts.push({ type: 'text', text: content });
  else if (Array.isArray(content)) for (const block of content) parts.push(toPart(block));
  else if (content !== undefined && content !== null) parts.push({ type: 'other', value: content });
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      if (!isObj(call)) continue;
      const fn = isObj(call.function) ? call.function : call;
      parts.push({ type: 'tool-call', id: str(call.id), name: str(fn.name) ?? '(unnamed)', args: parseArgs(fn.arguments) });
    }
  }
  return { role: String(m.role), name: str(m.name), toolCallId: str(m.tool_call_id), parts };
}

function toPart(block: unknown): ChatPart {
  if (typeof block === 'string') return { type: 'text', text: block };
  if (!isObj(block)) return { type: 'other', value: block };
  switch (block.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return typeof block.text === 'string' ? { type: 'text', text: block.text } : { type: 'other', value: block };
    case 'tool_use':
    case 'function_call':
      return { type: 'tool-call', id: str(block.id), name: str(block.name) ?? '(unnamed)', args: parseArgs(block.input ?? block.arguments) };
    case 'tool_result':
      return { type: 'tool-result', toolCallId: str(block.tool_use_id), content: block.content };
    case 'image_url':
    case 'image':
    case 'input_image': {
      const url = isObj(block.image_url) ? block.image_url.url : (block.image_url ?? block.url ?? block.source);
      return { type: 'image', source: typeof url === 'string' ? url : JSON.stringify(url ?? null) };
    }
    default:
      return { type: 'other', value: block };
  }
}

/** Tool arguments usually arrive as a JSON string; show them as JSON when they parse. */
function parseArgs(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}
