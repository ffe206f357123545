import { useEffect, useState } from 'react';
import type { FacetField } from '@wisp/protocol';
import { FacetSelect } from '../components/facet-select.js';
import { visibleText } from '../format/visible-text.js';
import { RANGES, type RangeName, type TraceView } from './trace-query.js';

const FACETS: Array<{ field: Exclude<FacetField, 'tags' | 'service'>; label: string }> = [
  { field: 'name', label: 'Name' },
  { field: 'status', label: 'Status' },
  { field: 'kind', label: 'Has kind' },
  { field: 'model', label: 'Model' },
  { field: 'userId', label: 'User' },
  { field: 'sessionId', label: 'Session' },
  { field: 'environment', label: 'Environment' },
  { field: 'release', label: 'Release' },
];

/** Search, time range and one picker per filter of the API. Every change goes to the URL. */
export function FilterBar({ view, now, onChange }: { view: TraceView; now: number; onChange: (view: TraceView) => void }) {
  const [search, setSearch] = useState(view.search ?? '');
  useEffect(() => setSearch(view.search ?? ''), [view.search]);
  useEffect(() => {
    if ((view.search ?? '') === search) return;
    const timer = setTimeout(() => onChange({ ...view, search: search || undefined }), 300);
    return () => clearTimeout(timer);
  }, [search, view, onChange]);

  const set = (patch: Partial<TraceView>) => onChange({ ...view, ...patch });
  const { sort: _sort, order: _order, range, ...filters } = view;
  const without = (field: string) => {
    const copy: Record<string, unknown> = { ...filters };
    delete copy[field];
    if (range && copy.from === undefined) copy.from = now - RANGES[range];
    return copy;
  };

  return (
    <div className="filter-bar" role="search">
      <input
        type="search"
        className="search"
        placeholder="Search names, inputs, outputs…"
        aria-label="Search"
        data-testid="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <label className="facet">
        <span className="facet-label">Time</span>
        <select
          value={view.from !== undefined ? 'custom' : (range ?? '')}
          data-testid="range"
          onChange={(e) => set({ range: (e.target.value || undefined) as RangeName | undefined, from: undefined, to: undefined })}
        >
          <option value="">all time</option>
          {view.from !== undefined ? <option value="custom">custom</option> : null}
          {Object.keys(RANGES).map((r) => (
            <option key={r} value={r}>
              last {r}
            </option>
          ))}
        </select>
      </label>
      {FACETS.map(({ field, label }) => (
        <FacetSelect
          key={field}
          field={field}
          label={label}
          value={view[field]}
          filters={without(field)}
          onChange={(value) => set({ [field]: value })}
        />
      ))}
      <FacetSelect
        field="tags"
        label="Tag"
        value={undefined}
        filters={without('tags')}
        onChange={(tag) => tag && !view.tags?.includes(tag) && set({ tags: [...(view.tags ?? []), tag] })}
      />
      <label className="facet">
        <span className="facet-label">Min latency (ms)</span>
        <input
          type="number"
          min={0}
          className="number"
          data-testid="min-latency"
          value={view.minLatencyMs ?? ''}
          onChange={(e) => set({ minLatencyMs: e.target.value === '' ? undefined : Number(e.target.value) })}
        />
      </label>
      {view.spanName !== undefined ? (
        <div className="active-tags">
          <button type="button" className="tag removable" data-testid="span-name-filter" onClick={() => set({ spanName: undefined })}>
            contains span: {visibleText(view.spanName)} ✕
          </button>
        </div>
      ) : null}
      {view.tags?.length ? (
        <div className="active-tags">
          {view.tags.map((tag) => (
            <button key={tag} type="button" className="tag removable" onClick={() => set({ tags: view.tags!.filter((t) => t !== tag) })}>
              {visibleText(tag)} ✕
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
