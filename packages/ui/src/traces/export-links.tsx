import type { MouseEvent } from 'react';
import { client, type ExportFormat, type TraceFilters } from '../api/client.js';
import { readCredentials } from '../api/credentials.js';
import { saveBlob } from '../components/save-blob.js';

/**
 * Export of the filtered traces. Plain links when the server needs no key; with a key the file is
 * fetched with the Authorization header and saved through a Blob URL.
 */
export function ExportLinks({ filters }: { filters: TraceFilters }) {
  function onClick(event: MouseEvent<HTMLAnchorElement>, format: ExportFormat) {
    if (!readCredentials().apiKey) return;
    event.preventDefault();
    client.exportTraces(format, filters).then(
      (blob) => saveBlob(blob, `traces.${format}`),
      (error: unknown) => window.alert(`Export failed: ${(error as Error).message}`),
    );
  }
  return (
    <span className="export-links">
      Export
      {(['ndjson', 'csv'] as const).map((format) => (
        <a
          key={format}
          className="button"
          href={client.exportUrl(format, filters)}
          download={`traces.${format}`}
          onClick={(e) => onClick(e, format)}
          data-testid={`export-${format}`}
        >
          {format.toUpperCase()}
        </a>
      ))}
    </span>
  );
}
