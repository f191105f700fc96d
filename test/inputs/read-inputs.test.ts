/** Issue 16 defect 7: the read methods' inputs property (test/inputs/read-inputs.ts) on the in-memory twin. */
import { describe } from 'vitest';
import { readInputProperty } from './read-inputs.js';
import { memorySafetyBackend } from '../safety/backends.js';

describe('read inputs on the twin', () => {
  readInputProperty(memorySafetyBackend, Number(process.env.READ_INPUTS_RUNS ?? 400));
});
