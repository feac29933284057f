import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/xda public api', () => {
  it('names itself', () => {
    expect(pkg.PACKAGE_NAME).toBe('@dualxda/xda');
  });
});
