import { describe, expect, it } from 'vitest';
import { heapOffer, heapSorted, offerThreshold } from './top-k.js';

describe('offerThreshold', () => {
  it.each([0, 1, 3, 50])('gates heapOffer without changing the heaps (cap %i, ties, zeros, both signs)', (cap) => {
    // Scores on a coarse grid: many ties and exact zeros.
    const scores = Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i * 2.3) * 6) / 2);
    const all = { pro: new Float64Array(cap), proIdx: new Int32Array(cap), opp: new Float64Array(cap), oppIdx: new Int32Array(cap), pc: 0, oc: 0 };
    const gated = { pro: new Float64Array(cap), proIdx: new Int32Array(cap), opp: new Float64Array(cap), oppIdx: new Int32Array(cap), pc: 0, oc: 0 };
    let proThr = offerThreshold(gated.pro, 0, 0, cap, 1);
    let oppThr = offerThreshold(gated.opp, 0, 0, cap, -1);
    scores.forEach((s, i) => {
      if (s > 0) all.pc = heapOffer(all.pro, all.proIdx, 0, all.pc, cap, s, i, 1);
      else if (s < 0) all.oc = heapOffer(all.opp, all.oppIdx, 0, all.oc, cap, s, i, -1);
      if (s > proThr) {
        gated.pc = heapOffer(gated.pro, gated.proIdx, 0, gated.pc, cap, s, i, 1);
        proThr = offerThreshold(gated.pro, 0, gated.pc, cap, 1);
      } else if (s < oppThr) {
        gated.oc = heapOffer(gated.opp, gated.oppIdx, 0, gated.oc, cap, s, i, -1);
        oppThr = offerThreshold(gated.opp, 0, gated.oc, cap, -1);
      }
    });
    expect(heapSorted(gated.pro, gated.proIdx, 0, gated.pc, 1)).toEqual(heapSorted(all.pro, all.proIdx, 0, all.pc, 1));
    expect(heapSorted(gated.opp, gated.oppIdx, 0, gated.oc, -1)).toEqual(heapSorted(all.opp, all.oppIdx, 0, all.oc, -1));
    expect(gated.pc).toBe(Math.min(cap, scores.filter((s) => s > 0).length));
  });
});
