/** The change feed's API scenarios (test/feed/api-scenarios.ts) on the in-memory twin. */
import { describe } from 'vitest';
import { changeFeedApiScenarios } from './api-scenarios.js';
import { memorySafetyBackend } from '../safety/backends.js';

describe('change feed API on the twin', () => {
  changeFeedApiScenarios(memorySafetyBackend);
});
