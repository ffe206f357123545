import { visibleText } from '../format/visible-text.js';
import { JsonTree } from '../components/json-tree.js';
import type { ChatMessage, ChatPart } from './chat-format.js';

/** A conversation: one bubble per message, text as plain text (never markdown or HTML). */
export function ChatMessages({ messages }: { messages: ChatMessage[] }) {
  return (
    <ol className="chat">
      {messages.map((m, i) => (
        <li key={i} className={`chat-message role-${/^[a-z]+$/.test(m.role) ? m.role : 'other'}`}>
          <div className="chat-role">
            {visibleText(m.role)}
            {m.name ? <span className="muted"> · {visibleText(m.name)}</span> : null}
            {m.toolCallId ? <span className="muted"> · result of {visibleText(m.toolCallId)}</span> : null}
          </div>
          {m.parts.map((part, j) => (
            <ChatPartView key={j} part={part} />
          ))}
        </li>
      ))}
    </ol>
  );
}

function ChatPartView({ part }: { part: ChatPart }) {
  switch (part.type) {
    case 'text':
      return <div className="chat-text">{visibleText(part.text)}</div>;
    case 'tool-call':
      return (
        <div className="chat-tool">
          <div className="chat-tool-title">
            tool call <code>{visibleText(part.name)}</code>
            {part.id ? <span className="muted"> {visibleText(part.id)}</span> : null}
          </div>
          <JsonTree value={part.args} expandDepth={1} />
        </div>
      );
    case 'tool-result':
      return (
        <div className="chat-tool">
          <div className="chat-tool-title">
            tool result{part.toolCallId ? <span className="muted"> for {visibleText(part.toolCallId)}</span> : null}
          </div>
          {typeof part.content === 'string' ? (
            <div className="chat-text">{visibleText(part.content)}</div>
          ) : (
            <JsonTree value={part.content} expandDepth={1} />
          )}
        </div>
      );
    case 'image':
      // Never loaded: a remote image in a payload could be a beacon that leaks data.
      return <div className="chat-image muted">[image, not loaded: {visibleText(part.source.slice(0, 300))}]</div>;
    default:
      return <JsonTree value={part.value} expandDepth={1} />;
  }
}
