import { useMemo, useState } from 'react';
import { formatBytes } from '../format/numbers.js';
import { visibleText } from '../format/visible-text.js';
import { DownloadButton } from '../components/download-button.js';
import { JsonTree } from '../components/json-tree.js';
import { ChatMessages } from './chat-messages.js';
import { toChatMessages } from './chat-format.js';

/** An input or output: chat view when it looks like messages, JSON tree otherwise, and a download. */
export function PayloadView({
  title,
  value,
  bytes,
  fileName,
}: {
  title: string;
  value: unknown;
  bytes: number;
  fileName: string;
}) {
  const messages = useMemo(() => toChatMessages(value), [value]);
  const [mode, setMode] = useState<'chat' | 'json'>('chat');
  if (value === undefined || value === null) {
    return (
      <section className="payload" data-testid={`payload-${title.toLowerCase()}`}>
        <h3>{title}</h3>
        <div className="muted">none</div>
      </section>
    );
  }
  const showChat = messages !== null && mode === 'chat';
  return (
    <section className="payload" data-testid={`payload-${title.toLowerCase()}`}>
      <div className="payload-header">
        <h3>{title}</h3>
        <span className="muted">{formatBytes(bytes)}</span>
        {messages ? (
          <div className="segmented" role="group" aria-label={`${title} view`}>
            <button type="button" aria-pressed={mode === 'chat'} onClick={() => setMode('chat')}>
              Chat
            </button>
            <button type="button" aria-pressed={mode === 'json'} onClick={() => setMode('json')}>
              JSON
            </button>
          </div>
        ) : null}
        <DownloadButton content={() => JSON.stringify(value, null, 2)} fileName={fileName} />
      </div>
      {showChat ? <ChatMessages messages={messages} /> : typeof value === 'string' ? (
        <pre className="payload-text">{visibleText(value.length > 20_000 ? `${value.slice(0, 20_000)}… (download for all)` : value)}</pre>
      ) : (
        <JsonTree value={value} />
      )}
    </section>
  );
}
