import { saveBlob } from './save-blob.js';

/** Saves `content` as a file through a Blob URL (no server round trip, nothing rendered). */
export function DownloadButton({
  content,
  fileName,
  type = 'application/json',
  label = 'Download',
}: {
  content: () => string | Blob;
  fileName: string;
  type?: string;
  label?: string;
}) {
  function download() {
    const value = content();
    saveBlob(value instanceof Blob ? value : new Blob([value], { type }), fileName);
  }
  return (
    <button type="button" onClick={download}>
      {label}
    </button>
  );
}
