/** The payload codecs through every read path on the in-memory twin (see test/codecs/scenarios.ts). */
import { describe } from 'vitest';
import { memorySafetyBackend } from '../safety/backends.js';
import { codecScenarios } from './scenarios.js';

describe('payload codecs on the twin', () => {
  codecScenarios(memorySafetyBackend);
});
