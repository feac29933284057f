/**
 * Result types of the collapse alarm (docs/attribution.md, "Collapse alarm"): the feature spectrum,
 * proponent diversity and the verdict. Plain JSON (no NaN: undefined quantities are `null`), so a
 * report written by `dualxda fit` reads back with the same types in the CLI and the dashboard.
 */

/**
 * Scale-free summaries of the eigenvalues λ₁ ≥ … ≥ λ_d ≥ 0 of one d×d matrix (negative rounding
 * noise is clipped to 0). With p_i = λ_i / Σλ:
 * - `participationRatio` PR = (Σλ)² / Σλ² ∈ [1, d]: 1 when one direction holds all energy, d when
 *   all directions hold the same.
 * - `effectiveRank` = exp(−Σ p_i ln p_i) ∈ [1, d] (Roy & Vetterli's entropy effective rank).
 * - `topShare` = λ₁ / Σλ ∈ [1/d, 1].
 * All three are 0 for the zero matrix (no direction carries energy).
 */
export interface SpectrumStats {
  participationRatio: number;
  effectiveRank: number;
  topShare: number;
  /** Σλ = trace: mean squared norm (second moment) or total variance (covariances). */
  trace: number;
  /** The largest eigenvalues, descending (at most `topEigenvalues` of them). */
  topEigenvalues: number[];
}

/** Spectrum of one class's centred covariance. */
export interface ClassSpectrum extends SpectrumStats {
  /** Class id (the label value). */
  label: number;
  rows: number;
}

/** Within-class spectra: per class, their minimum/mean, and the pooled within-class scatter. */
export interface WithinClassSpectrum {
  /**
   * S_W = Σ_c Σ_{i∈c} (x_i − μ_c)(x_i − μ_c)ᵀ / n_labelled: the row-weighted average of the class
   * covariances (LDA's within-class scatter). The verdict reads this one: it is defined by every
   * labelled row, so a class with 3 rows (whose own covariance has rank ≤ 2) cannot dominate it.
   */
  pooled: SpectrumStats;
  /** Classes with at least 2 rows, by label. */
  perClass: ClassSpectrum[];
  /** Labels in 0..numClasses-1 with fewer than 2 rows (no covariance). */
  skippedClasses: number[];
  minParticipationRatio: number;
  meanParticipationRatio: number;
  minEffectiveRank: number;
  meanEffectiveRank: number;
  maxTopShare: number;
  meanTopShare: number;
}

/**
 * `featureSpectrum` / `SpectrumAccumulator.finish`: the spectra of three d×d matrices of n rows x_i.
 * - `uncentred`: M = Σ x_i x_iᵀ / n, the second moment. Its eigenvalues are those of the Gram
 *   matrix ⟨x_i, x_j⟩ / n, i.e. of the DualDA kernel itself: the headline number.
 * - `centred`: C = Σ (x_i − μ)(x_i − μ)ᵀ / n, the (biased) covariance.
 * - `withinClass`: the class covariances, when labels are given (null otherwise).
 */
export interface FeatureSpectrum {
  rows: number;
  dim: number;
  uncentred: SpectrumStats;
  centred: SpectrumStats;
  withinClass: WithinClassSpectrum | null;
}

/** Diversity of one side (proponents or opponents) of the top-k lists of a sample of queries. */
export interface RankingDiversity {
  /** Query lists given (test rows sampled). */
  queries: number;
  /** Queries whose list is empty (no training row with a score of that sign). */
  empty: number;
  /** Lists were cut to their first k entries. */
  k: number;
  /** The training row that is top-1 for the most queries (lowest index on ties); null if every list is empty. */
  top1Row: number | null;
  /** Its id, when `idOf` was given. */
  top1Id: string | null;
  /** How many queries have `top1Row` first. */
  top1Count: number;
  /** top1Count / queries: the top-1 concentration (1 = every query has the same top row). */
  top1Concentration: number;
  /** Distinct training rows that are top-1 of some query. */
  distinctTop1: number;
  /** Distinct training rows in any query's top-k. */
  distinctTopK: number;
  /**
   * Mean Jaccard |A∩B| / |A∪B| of the top-k sets over all unordered pairs of queries with at least
   * one non-empty list (two empty lists are skipped, an empty and a non-empty one count as 0);
   * null when there is no such pair.
   */
  meanJaccard: number | null;
  /** Pairs averaged in `meanJaccard`. */
  pairs: number;
}

/** `proponentDiversity`: both sides for one sample of queries. */
export interface ProponentDiversity {
  trainRows: number;
  k: number;
  proponents: RankingDiversity;
  /** null when no opponent lists were given. */
  opponents: RankingDiversity | null;
}

/** One criterion of the verdict. */
export interface CollapseCheck {
  id: 'participation-ratio' | 'within-class-participation-ratio' | 'top1-concentration' | 'mean-jaccard';
  value: number;
  threshold: number;
  /** 'min': passes when value ≥ threshold; 'max': passes when value ≤ threshold. */
  bound: 'min' | 'max';
  pass: boolean;
  /** Plain-words sentence (set for failing checks, null when passing). */
  sentence: string | null;
}

/** `collapseVerdict`: are explanations about the individual input (instance-level) or only the class? */
export interface CollapseVerdict {
  level: 'instance' | 'class';
  checks: CollapseCheck[];
  /** Criteria that could not be evaluated (no labels, no diversity sample), by id. */
  skipped: CollapseCheck['id'][];
  /** One line with every figure and its threshold. */
  summary: string;
  /** The plain-words warning when class-level (one sentence per failing check), else null. */
  warning: string | null;
}

/** Where the diversity queries came from (recorded so a report explains its own numbers). */
export interface CollapseQueries {
  /** 'test': rows of the test store; 'train': training rows with each row's own entry removed. */
  source: 'test' | 'train';
  /** Rows the sample was drawn from, and how many were drawn. */
  rows: number;
  sampled: number;
  seed: number;
  /** Explained class per query: the network's prediction (stored logits) or the surrogate's. */
  targets: 'model' | 'surrogate';
  /** Path of the query store, when known. */
  path: string | null;
}

/** Everything the CLI records next to a fitted model (`<store>/dualda/collapse.json`). */
export interface CollapseReport {
  schemaVersion: 1;
  spectrum: FeatureSpectrum;
  diversity: ProponentDiversity | null;
  queries: CollapseQueries | null;
  verdict: CollapseVerdict;
  createdAt: string;
}
