/**
 * Token heatmaps for the terminal (ANSI background colours) and for a standalone HTML page.
 * Red = relevance for the explained score, blue = against, intensity = |r| / max |r| per text.
 */

/** One side of an XDA pair. */
export interface Heatmap {
  tokens: readonly string[];
  scores: ArrayLike<number>;
}

const SPECIAL = /^(\[(CLS|SEP|PAD)\]|<s>|<\/s>|<pad>)$/;

/** Display pieces: WordPiece `##x` glued to the previous token, special tokens dropped. */
export function displayPieces(h: Heatmap): { text: string; score: number; glue: boolean }[] {
  const out: { text: string; score: number; glue: boolean }[] = [];
  h.tokens.forEach((t, i) => {
    if (SPECIAL.test(t)) return;
    const glue = t.startsWith('##');
    const sp = t.startsWith('▁') || t.startsWith('Ġ');
    out.push({ text: glue ? t.slice(2) : sp ? t.slice(1) : t, score: Number(h.scores[i] ?? 0), glue: glue || (i > 0 && !sp && /^[.,!?;:')]/.test(t)) });
  });
  return out;
}

/** Template tokens ([CLS], [SEP], <s>, ...) that collect relevance shared by every input. */
const SPECIAL_TOKEN = /^(\[(CLS|SEP|PAD|UNK|MASK)\]|<\/?s>|<pad>|<unk>)$/;

/**
 * Colour scale of a heatmap: the largest |relevance| over its content tokens. The template tokens
 * are left out because on the embedded model [CLS] collects the relevance of what every e-mail
 * shares and would wash out the words; their colour saturates instead (their value is in the text).
 */
export function heatmapScale(h: Heatmap): number {
  let m = 0;
  let all = 0;
  for (let i = 0; i < h.scores.length; i++) {
    const v = Math.abs(Number(h.scores[i]));
    all = Math.max(all, v);
    if (!SPECIAL_TOKEN.test(h.tokens[i] ?? '')) m = Math.max(m, v);
  }
  return m > 0 ? m : all;
}

/** ANSI 24-bit background colour for a normalised relevance in [-1, 1]. */
function ansiBg(v: number): string {
  const a = Math.min(1, Math.abs(v));
  const fade = Math.round(255 * (1 - 0.75 * a));
  const [r, g, b] = v >= 0 ? [255, fade, fade] : [fade, fade, 255];
  return `\x1b[48;2;${r};${g};${b}m\x1b[38;2;0;0;0m`;
}

/** The text with each token coloured by its relevance. */
export function renderAnsi(h: Heatmap, maxChars = 600): string {
  const scale = heatmapScale(h) || 1;
  let out = '';
  let shown = 0;
  for (const p of displayPieces(h)) {
    if (shown > maxChars) {
      out += ' …';
      break;
    }
    out += `${p.glue || out === '' ? '' : ' '}${ansiBg(p.score / scale)}${p.text}\x1b[0m`;
    shown += p.text.length + 1;
  }
  return out;
}

/** Plain-text fallback: the `n` most relevant tokens with their scores. */
export function topTokens(h: Heatmap, n = 8): { token: string; score: number }[] {
  return displayPieces(h)
    .map((p) => ({ token: p.text, score: p.score }))
    .sort((a, b) => Math.abs(b.score) - Math.abs(a.score))
    .slice(0, n);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One heatmap as HTML spans (inline styles, no script). */
export function renderHtmlSpans(h: Heatmap): string {
  const scale = heatmapScale(h) || 1;
  return displayPieces(h)
    .map((p) => {
      const v = p.score / scale;
      const a = Math.min(1, Math.abs(v)).toFixed(3);
      const bg = v >= 0 ? `rgba(220,38,38,${a})` : `rgba(37,99,235,${a})`;
      return `${p.glue ? '' : ' '}<span title="${p.score.toExponential(3)}" style="background:${bg}">${escapeHtml(p.text)}</span>`;
    })
    .join('');
}

/** A section of the HTML report. */
export interface HtmlPair {
  title: string;
  subtitle: string;
  test: Heatmap;
  train: Heatmap;
  /** Budget lines shown under the maps (lib/xda-budget.ts); `warning:`/`note:` lines are highlighted. */
  budget?: readonly string[];
}

function budgetHtml(lines: readonly string[] | undefined): string {
  if (lines === undefined || lines.length === 0) return '';
  const li = lines.map((l) => `<li${/^(warning|note):/.test(l) ? ' class="warn"' : ''}>${escapeHtml(l.trim())}</li>`).join('');
  return `\n<ul class="budget">${li}</ul>`;
}

/** A standalone HTML page with both heatmaps of every pair. */
export function renderHtmlPage(title: string, pairs: readonly HtmlPair[]): string {
  const sections = pairs
    .map(
      (p) => `<section><h2>${escapeHtml(p.title)}</h2><p class="sub">${escapeHtml(p.subtitle)}</p>
<h3>test</h3><p class="map">${renderHtmlSpans(p.test)}</p>
<h3>training example</h3><p class="map">${renderHtmlSpans(p.train)}</p>${budgetHtml(p.budget)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.6 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}.map{border:1px solid #ddd;padding:.5rem;border-radius:4px}.sub{color:#555}span{border-radius:2px}.budget{font-size:13px;color:#333}.budget .warn{color:#92400e}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>Each pair's heatmaps start from its DualDA attribution alpha &#215; &#10216;f(test), f(train)&#10217; (or, for a training row that is not a support vector, the kernel alone, labelled kernel-only) and propagate it back to the tokens of each text with AttnLRP. Red: relevance for that score; blue: against; colour is scaled per text by its words ([CLS] and [SEP], which collect what every input shares, saturate). The tokens carry only part of the score: the budget under each pair gives each side's token sum and share, what was absorbed where (softmax remainder, LayerNorm &#946;, biases, position embeddings) and the residual.</p>
${sections}
</body></html>
`;
}
