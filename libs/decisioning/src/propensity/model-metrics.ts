/**
 * Area under the ROC curve by the Mann-Whitney rank statistic, with tied scores given
 * their mean rank. Null when one class is absent, because the AUC is then undefined.
 */
export function areaUnderRoc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((score, index) => ({ score, label: labels[index]! })).sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSumOfPositives = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.score === order[i]!.score) {
      j++;
    }
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (order[k]!.label === 1) {
        positives++;
        rankSumOfPositives += meanRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) {
    return null;
  }
  return (rankSumOfPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean negative log-likelihood, with probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(probabilities: readonly number[], labels: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, 1e-15), 1 - 1e-15);
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return probabilities.length === 0 ? 0 : total / probabilities.length;
}
