/** The framework end-to-end kit: the bank app on `@schemeless/event-store@5.0.1`, its flow shapes and the two backends. */
export * from './bank-app.js';
export type * from './framework-shapes.js';
export { memoryBackend, realBackend, type E2eBackend, type OffloadedObject } from './backends.js';
