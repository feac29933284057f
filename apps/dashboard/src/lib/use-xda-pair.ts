import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../services/api-client.js';
import { pollXda, type XdaProgress } from '../services/xda-poll.js';
import type { XdaResponse } from './api-types.js';

/** A heatmap pair being loaded: the pair, an error, or the job's progress while it is queued/computing. */
export interface XdaPairState {
  data: XdaResponse | undefined;
  error: string | undefined;
  progress: XdaProgress | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads a pair, polling while the server queues it; leaving the page (or new rows) stops the polling. */
export function useXdaPair(api: ApiClient, test: number | { text: string }, train: number, target: number | undefined): XdaPairState {
  // A typed text is compared by value: a new object each render must not restart the request.
  const testKey = typeof test === 'number' ? test : `text:${test.text}`;
  const [state, setState] = useState<{ data?: XdaResponse; error?: string; progress?: XdaProgress }>({});
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  useEffect(() => {
    const ctl = new AbortController();
    setState({});
    pollXda(() => api.xda(test, train, target), (progress) => setState({ progress }), ctl.signal).then(
      (data) => setState({ data }),
      (err: unknown) => {
        if (!ctl.signal.aborted) setState({ error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => ctl.abort();
  }, [api, testKey, train, target, attempt]);
  return { data: state.data, error: state.error, progress: state.progress, loading: state.data === undefined && state.error === undefined, reload };
}
