import { describe, expect, it } from 'vitest';
import { displayPieces, heatmapScale, renderAnsi, renderHtmlPage, topTokens } from './heatmap.js';

const h = { tokens: ['[CLS]', 'free', 'mon', '##ey', '!', '[SEP]'], scores: [9, 0.5, -0.25, 0.1, 0, 9] };

describe('heatmap rendering', () => {
  it('glues WordPiece continuations and drops special tokens', () => {
    expect(displayPieces(h).map((p) => [p.text, p.glue])).toEqual([
      ['free', false],
      ['mon', false],
      ['ey', true],
      ['!', true],
    ]);
  });

  it('colours positive tokens red and negative ones blue in the terminal', () => {
    const out = renderAnsi(h);
    expect(out).toContain('\x1b[48;2;255;'); // red family for "free"
    const ESC = String.fromCharCode(27);
    expect(out).toMatch(new RegExp(`${ESC}\\[48;2;\\d+;\\d+;255m${ESC}\\[38;2;0;0;0mmon`)); // blue for "mon"
    expect(out.split(ESC).map((part) => part.replace(/^\[[0-9;]*m/, '')).join('')).toBe('free money!');
  });

  it('scales colours by the content tokens, not by [CLS]/[SEP]', () => {
    expect(heatmapScale(h)).toBe(0.5);
    expect(heatmapScale({ tokens: ['[CLS]', 'a', '[SEP]'], scores: [-2, 0, 1] })).toBe(2);
  });

  it('lists the most relevant tokens by magnitude', () => {
    expect(topTokens(h, 2)).toEqual([
      { token: 'free', score: 0.5 },
      { token: 'mon', score: -0.25 },
    ]);
  });

  it('escapes text in the HTML page', () => {
    const page = renderHtmlPage('a <b>', [{ title: 't', subtitle: 's', test: { tokens: ['<script>'], scores: [1] }, train: h }]);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#60;script&#62;');
    expect(page).toContain('rgba(220,38,38,1.000)');
  });
});
