/** Significance level of the always-valid interval. */
export const SEQUENTIAL_ALPHA = 0.05;

/**
 * Default scale of the normal mixture, in standard deviations of the per-customer metric.
 * The interval is narrowest for true effects near this size. A tenth of a standard deviation
 * is about one percentage point for a conversion rate near 1%.
 */
export const DEFAULT_MIXTURE_SCALE = 0.1;

/** Always-valid interval and p-value at one look. */
export interface SequentialLook {
  /** Null when the variance of the estimate is 0 or undefined. */
  interval: [number, number] | null;
  /** 1 / mixture likelihood ratio, capped at 1. Null with the interval. */
  pValue: number | null;
}

/**
 * Computes the always-valid interval of a difference estimate at one look, from the mixture
 * sequential probability ratio test (mSPRT) with a normal mixture over the effect, as described
 * by Johari, Pekelis and Walsh ("Always Valid Inference: Continuous Monitoring of A/B Tests").
 * With estimate θ̂, its variance V and mixture variance τ²:
 *
 *   Λ = √(V / (V + τ²)) · exp(τ²·θ̂² / (2V(V + τ²)))
 *   interval θ̂ ± √(V(V + τ²)/τ² · (2·log(1/α) + log((V + τ²)/V)))
 *
 * Under H0, P(Λ ever exceeds 1/α) ≤ α, so looking after every new customer keeps the error
 * rate at α. τ² = (mixtureScale·σ)², with σ² the per-customer variance implied by V and the arm
 * sizes, so τ²/V = mixtureScale²·n_t·n_c/(n_t + n_c).
 *
 * NOTE: V and σ are estimated from the data and the outcomes are not normal, so the guarantee
 * holds asymptotically, not exactly for small arms.
 */
export function mixtureSequentialLook(
  estimate: number,
  variance: number,
  arms: { treatment: number; control: number },
  mixtureScale = DEFAULT_MIXTURE_SCALE,
  alpha = SEQUENTIAL_ALPHA,
): SequentialLook {
  if (!(variance > 0) || arms.treatment === 0 || arms.control === 0) {
    return { interval: null, pValue: null };
  }
  const ratio = mixtureScale * mixtureScale * ((arms.treatment * arms.control) / (arms.treatment + arms.control));
  const mixtureVariance = ratio * variance;
  const halfWidth = Math.sqrt(
    ((variance * (variance + mixtureVariance)) / mixtureVariance) * (2 * Math.log(1 / alpha) + Math.log1p(ratio)),
  );
  const logLikelihoodRatio =
    -0.5 * Math.log1p(ratio) + (mixtureVariance * estimate * estimate) / (2 * variance * (variance + mixtureVariance));
  return {
    interval: [estimate - halfWidth, estimate + halfWidth],
    pValue: Math.min(1, Math.exp(-logLikelihoodRatio)),
  };
}
