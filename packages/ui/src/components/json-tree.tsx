import { useState } from 'react';
import { visibleText } from '../format/visible-text.js';
import { SafeLink } from './safe-link.js';

/** Strings longer than this are cut in view (the download button has the whole value). */
const STRING_PREVIEW_CHARS = 2_000;
/** Arrays and objects show this many entries before a "show more" button. */
const ENTRIES_PREVIEW = 100;

/**
 * Any JSON value as a collapsible tree. Every key and value is rendered as text; strings that are
 * http(s) URLs become links (never other schemes, never images).
 */
export function JsonTree({ value, expandDepth = 2 }: { value: unknown; expandDepth?: number }) {
  return (
    <div className="json-tree">
      <JsonValue value={value} depth={0} expandDepth={expandDepth} />
    </div>
  );
}

function JsonValue({ value, depth, expandDepth }: { value: unknown; depth: number; expandDepth: number }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <JsonString value={value} />;
  if (typeof value === 'number' || typeof value === 'bigint') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  if (typeof value === 'object') return <JsonContainer value={value} depth={depth} expandDepth={expandDepth} />;
  return <span className="json-null">{String(value)}</span>;
}

function JsonString({ value }: { value: string }) {
  const [full, setFull] = useState(false);
  const long = value.length > STRING_PREVIEW_CHARS;
  const shown = long && !full ? value.slice(0, STRING_PREVIEW_CHARS) : value;
  return (
    <span className="json-string">
      “{long ? visibleText(shown) : <SafeLink text={shown} />}
      {long && !full ? '…' : ''}”
      {long ? (
        <button type="button" className="link-button" onClick={() => setFull(!full)}>
          {full ? 'show less' : `show all ${value.length.toLocaleString('en-US')} chars`}
        </button>
      ) : null}
    </span>
  );
}

function JsonContainer({ value, depth, expandDepth }: { value: object; depth: number; expandDepth: number }) {
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value);
  const [open, setOpen] = useState(depth < expandDepth);
  const [limit, setLimit] = useState(ENTRIES_PREVIEW);
  const [openMark, closeMark] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span className="json-punct">{openMark + closeMark}</span>;
  return (
    <span className="json-container">
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title={open ? 'Collapse' : 'Expand'}
      >
        {open ? '▾' : '▸'} {openMark}
        {open ? '' : ` ${entries.length} ${isArray ? 'items' : 'keys'} ${closeMark}`}
      </button>
      {open ? (
        <>
          <ul className="json-entries">
            {entries.slice(0, limit).map(([key, child]) => (
              <li key={key}>
                <span className={isArray ? 'json-index' : 'json-key'}>{visibleText(key)}</span>
                <span className="json-punct">: </span>
                <JsonValue value={child} depth={depth + 1} expandDepth={expandDepth} />
              </li>
            ))}
            {entries.length > limit ? (
              <li>
                <button type="button" className="link-button" onClick={() => setLimit(limit + ENTRIES_PREVIEW * 10)}>
                  show {Math.min(entries.length - limit, ENTRIES_PREVIEW * 10)} more of {entries.length - limit}
                </button>
              </li>
            ) : null}
          </ul>
          <span className="json-punct">{closeMark}</span>
        </>
      ) : null}
    </span>
  );
}
