/**
 * Loads the optional peer `@opentelemetry/api`, once, on first use (a store constructed without `telemetry: false`):
 * synchronously, so that the store knows at construction whether it has telemetry. Absent (not installed, or
 * failing to load), the store runs without telemetry and nothing else of OpenTelemetry is ever looked for.
 *
 * The API keeps its registrations (providers, context manager, propagators) on `globalThis` under a versioned
 * symbol, so the copy loaded here (CommonJS) sees what the application registered through its own (ESM) copy.
 */
import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';

/** The `@opentelemetry/api` module. */
export type OtelApi = typeof OtelApiModule;

/** The optional peer dependency's name. */
export const OTEL_API_MODULE = '@opentelemetry/api';

/** The instrumentation scope's name (tracer and meter). */
export const INSTRUMENTATION_NAME = 'event-store-adapter-dynamodb';

/** `undefined`: not tried yet; `null`: absent. */
let loaded: OtelApi | null | undefined;

/** The `@opentelemetry/api` module, or undefined when it is not installed (cached after the first call). */
export function loadOtelApi(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      // Resolved from this package, as its peer. The CommonJS build gets `import.meta.url` from tsup's shim.
      loaded = createRequire(import.meta.url)(OTEL_API_MODULE) as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
