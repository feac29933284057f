import type { ReactNode } from 'react';
import { className, formatPercent } from '../services/format.js';
import { contrastRatio, relativeLuminance } from '../services/heatmap-colors.js';
import { formatRoute } from '../services/route.js';

/** Cell shade: white (0% of the row) to blue (100%); text black or white, whichever contrasts more (WCAG AA). */
function cellStyle(share: number): { background: string; color: string } {
  const fade = Math.round(255 * (1 - 0.85 * Math.max(0, Math.min(1, share))));
  const rgb: [number, number, number] = [fade, fade, 255];
  const bg = relativeLuminance(rgb);
  return { background: `rgb(${rgb.join(', ')})`, color: contrastRatio(bg, 1) > contrastRatio(bg, 0) ? '#fff' : '#000' };
}

/**
 * The model's confusion matrix on the test set: rows are true labels, columns predictions; each
 * cell shaded by its share of the row and linked to the test list filtered to it.
 */
export function ConfusionMatrix({ matrix, classNames }: { matrix: readonly (readonly number[])[]; classNames: readonly string[] }): ReactNode {
  const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  return (
    <div className="confusion-wrap">
      <table className="confusion" data-testid="confusion-matrix">
        <caption className="muted">Rows: true label; columns: prediction. Each cell: test rows (share of its row); follow it to list them.</caption>
        <thead>
          <tr>
            <th scope="col">label ↓ / predicted →</th>
            {matrix.map((_, p) => (
              <th key={p} scope="col">
                {className(classNames, p)}
              </th>
            ))}
            <th scope="col">total</th>
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, y) => (
            <tr key={y}>
              <th scope="row">{className(classNames, y)}</th>
              {row.map((n, p) => {
                const share = rowTotals[y] === 0 ? 0 : n / (rowTotals[y] ?? 1);
                const route = formatRoute({ view: 'tests', label: y, pred: p });
                return (
                  <td key={p} className={y === p ? 'diag' : undefined} style={cellStyle(share)} data-testid={`confusion-${y}-${p}`}>
                    {n === 0 ? (
                      '0'
                    ) : (
                      <a href={route} aria-label={`${n.toLocaleString()} test rows labelled ${className(classNames, y)}, predicted ${className(classNames, p)}`}>
                        {n.toLocaleString()} <small>({formatPercent(share)})</small>
                      </a>
                    )}
                  </td>
                );
              })}
              <td>{(rowTotals[y] ?? 0).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
