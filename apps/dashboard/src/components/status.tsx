import type { ReactNode } from 'react';

/**
 * Loading / error placeholder shared by the views. The loading text sits in a polite live region
 * so screen readers hear it; an error is an alert with a retry button when `onRetry` is given.
 */
export function Status(props: { loading?: boolean; error?: string | undefined; onRetry?: () => void; children?: ReactNode }): ReactNode {
  if (props.error !== undefined) return <ErrorNote message={props.error} onRetry={props.onRetry} />;
  if (props.loading === true)
    return (
      <p className="muted loading" role="status" aria-live="polite" data-testid="loading">
        Loading…
      </p>
    );
  return props.children;
}

/** An error as plain text, with a retry button. */
export function ErrorNote(props: { message: string; onRetry?: (() => void) | undefined }): ReactNode {
  return (
    <div className="error" role="alert" data-testid="error">
      <span className="error-text">{props.message}</span>
      {props.onRetry === undefined ? null : (
        <button type="button" onClick={props.onRetry} data-testid="retry">
          Retry
        </button>
      )}
    </div>
  );
}
