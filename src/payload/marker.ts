/**
 * The encoding marker: the attribute `en` of an event or snapshot item, naming the steps its payload and meta (or
 * state) went through on write, in order, joined by '.': a compression (`br` brotli, `gz` gzip, `df` deflate,
 * `dr` raw deflate) and/or encryption (`a1`: AES-256-GCM under the stream's data key). Reads undo them in reverse.
 * An item without the marker holds plain JSON text (every item written before codecs existed, and every event under
 * `minBytes` without encryption), so a store reads items written with any setting.
 */
import { algorithmOfStep, type CompressionAlgorithm } from './compression.js';

/** The encryption step. */
export const ENCRYPTION_STEP = 'a1';

/** One step of a marker, parsed. */
export type EncodingStep = { readonly kind: 'compression'; readonly algorithm: CompressionAlgorithm } | { readonly kind: 'encryption' };

/** The steps of `marker` in write order; undefined when one is unknown (or the marker is malformed). */
export function parseMarker(marker: string): EncodingStep[] | undefined {
  const steps: EncodingStep[] = [];
  for (const id of marker.split('.')) {
    if (id === ENCRYPTION_STEP) {
      steps.push({ kind: 'encryption' });
      continue;
    }
    const algorithm = algorithmOfStep(id);
    if (algorithm === undefined) return undefined;
    steps.push({ kind: 'compression', algorithm });
  }
  return steps;
}
