import type { Summary } from '../lib/api-types.js';
import type { ApiClient } from '../services/api-client.js';

/** What every view receives from the shell. */
export interface ViewContext {
  api: ApiClient;
  summary: Summary;
}
