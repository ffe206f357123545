import type { ObservationKind } from '@wisp/protocol';

/** The observation kind in its own colour (the same colour as its waterfall bars). */
export function KindBadge({ kind }: { kind: ObservationKind | null }) {
  if (!kind) return null;
  return <span className={`badge kind kind-${kind}`}>{kind}</span>;
}
