import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/dashboard public api', () => {
  it('exports exactly the curated names', () => {
    expect(pkg.PACKAGE_NAME).toBe('@dualxda/dashboard');
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "ApiError",
        "NO_FILTERS",
        "PACKAGE_NAME",
        "PAGE_SIZE",
        "computeWindow",
        "createApiClient",
        "createTestListStore",
        "divergingColor",
        "formatPercent",
        "formatRoute",
        "formatScore",
        "maxAbs",
        "parseRoute",
        "testListQuery",
        "textColorFor",
      ]
    `);
  });
});
