/** The framework end-to-end scenario (framework-scenario.ts) on the in-memory twin, built as users get it. */
import { memoryBackend } from './backends.js';
import { bankScenario } from './framework-scenario.js';

bankScenario({ name: 'in-memory twin: new EventStoreRepo()', skip: false, durable: false, make: memoryBackend });
