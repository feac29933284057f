import { describe, expect, it } from 'vitest';
import * as pkg from './index.js';

describe('@dualxda/cli public api', () => {
  it('exports exactly the curated names', () => {
    expect(Object.keys(pkg).sort()).toMatchInlineSnapshot(`
      [
        "COMMANDS",
        "CliError",
        "EXIT_CODES",
        "InputError",
        "InterruptedError",
        "LibraryUnavailableError",
        "RUN_FILE",
        "UsageError",
        "parseCommandLine",
        "readRunRecord",
        "reportError",
        "runCli",
        "startDashboardServer",
        "writeRunRecord",
      ]
    `);
  });
});
