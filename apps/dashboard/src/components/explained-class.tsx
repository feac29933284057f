import type { ReactNode } from 'react';
import type { TestDetail } from '../lib/api-types.js';
import { LogitsChart } from './logits-chart.js';
import { SparsityBar } from './sparsity-bar.js';

/**
 * What every explanation page shows under its prediction line: the class pills (the explained one
 * highlighted, each linking to `classHref(m)`), model vs surrogate logits and the sparsity bar.
 */
export function ExplainedClass({ names, data, classHref }: { names: readonly string[]; data: Pick<TestDetail, 'target' | 'modelLogits' | 'surrogateLogits' | 'sparsity'>; classHref: (m: number) => string }): ReactNode {
  const s = data.sparsity;
  return (
    <>
      <p className="class-pills">
        explaining class{' '}
        {names.map((n, m) => (
          <a key={m} className={`pill${m === data.target ? ' on' : ''}`} href={classHref(m)}>
            {n}
          </a>
        ))}
      </p>
      <LogitsChart classNames={[...names]} model={data.modelLogits} surrogate={data.surrogateLogits} highlight={data.target} />
      <SparsityBar mass={s.topKMass} k={s.k} nonzero={s.nonzero} supportVectors={s.supportVectors} trainRows={s.trainRows} />
    </>
  );
}
