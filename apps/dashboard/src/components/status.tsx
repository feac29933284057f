import type { ReactNode } from 'react';

/** Loading / error placeholder shared by the views. */
export function Status(props: { loading?: boolean; error?: string | undefined; children?: ReactNode }): ReactNode {
  if (props.error !== undefined) return <p className="error" role="alert">{props.error}</p>;
  if (props.loading === true) return <p className="muted">Loading…</p>;
  return props.children;
}
