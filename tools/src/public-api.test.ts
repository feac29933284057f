import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/tools public api', () => {
  it('exports exactly the curated names', () => {
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "percentile",
        "printBenchJson",
        "projectShardedBuild",
        "summarize",
        "timeRuns",
        "trackPeakRss",
        "xdaFeatureForward",
      ]
    `);
  });
});
