import type { FacetField } from '@wisp/protocol';
import type { TraceFilters } from '../api/client.js';
import { visibleText } from '../format/visible-text.js';
import { useFacet } from '../hooks/use-api.js';

/**
 * A filter picker whose options are the values that exist (with counts), given the other filters.
 * Choosing the empty option clears the filter.
 */
export function FacetSelect({
  field,
  label,
  value,
  filters,
  onChange,
}: {
  field: FacetField;
  label: string;
  value: string | undefined;
  filters: TraceFilters;
  onChange: (value: string | undefined) => void;
}) {
  const facet = useFacet(field, filters);
  const values = facet.data?.values ?? [];
  const hasValue = value !== undefined && values.some((v) => v.value === value);
  return (
    <label className="facet">
      <span className="facet-label">{label}</span>
      <select
        name={field}
        data-testid={`facet-${field}`}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || undefined)}
        className={value ? 'active' : undefined}
      >
        <option value="">{facet.loading && !facet.data ? 'loading…' : facet.error ? 'unavailable' : 'any'}</option>
        {value !== undefined && !hasValue ? <option value={value}>{visibleText(value)}</option> : null}
        {values.map((v) => (
          <option key={v.value} value={v.value}>
            {visibleText(v.value.length > 80 ? `${v.value.slice(0, 80)}…` : v.value)} ({v.count.toLocaleString('en-US')})
          </option>
        ))}
      </select>
    </label>
  );
}
