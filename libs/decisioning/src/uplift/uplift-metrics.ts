/**
 * Uplift evaluation on a randomized sample: each row has a predicted uplift, a binary
 * outcome and whether it was treated. Rows are ranked by predicted uplift, highest first,
 * with a stable sort so ties keep their input order.
 */
export interface UpliftSample {
  uplift: readonly number[];
  labels: readonly number[];
  treated: readonly boolean[];
}

export interface QiniPoint {
  /** Rows targeted: every row whose predicted uplift is at least this point's threshold. */
  targeted: number;
  /** Treated responders minus control responders scaled to the treated count, among those rows. */
  incrementalResponders: number;
}

/**
 * Qini curve (Radcliffe, 2007): after targeting the top `targeted` rows,
 * Q = Y_t - Y_c * N_t / N_c, where Y are responders and N rows of each arm among them
 * (Q = Y_t while no control row is in). Rows with equal predicted uplift form one step,
 * so the curve does not depend on their order. Starts at (0, 0).
 */
export function qiniCurve(sample: UpliftSample): QiniPoint[] {
  const order = rankByUplift(sample.uplift);
  const points: QiniPoint[] = [{ targeted: 0, incrementalResponders: 0 }];
  let treatedRows = 0;
  let controlRows = 0;
  let treatedResponders = 0;
  let controlResponders = 0;
  for (let position = 0; position < order.length; position++) {
    const row = order[position]!;
    if (sample.treated[row]) {
      treatedRows++;
      treatedResponders += sample.labels[row]!;
    } else {
      controlRows++;
      controlResponders += sample.labels[row]!;
    }
    const next = order[position + 1];
    if (next !== undefined && sample.uplift[next] === sample.uplift[row]) {
      continue;
    }
    const scaledControl = controlRows === 0 ? 0 : (controlResponders * treatedRows) / controlRows;
    points.push({ targeted: position + 1, incrementalResponders: treatedResponders - scaledControl });
  }
  return points;
}

/**
 * Qini coefficient, normalized: the area between the model's Qini curve and the random
 * line from (0, 0) to the curve's end, divided by the same area for the best possible
 * ranking (treated responders first, control responders last). 1 is a perfect ranking,
 * 0 is no better than random, negative is worse. The areas use the trapezoidal rule over
 * the number of rows targeted. This is the normalization of scikit-uplift's
 * `qini_auc_score` with `negative_effect=True`. Null when an arm is missing or when the
 * best ranking is no better than random.
 */
export function qiniCoefficient(sample: UpliftSample): number | null {
  const rows = sample.uplift.length;
  const treatedRows = sample.treated.filter(Boolean).length;
  if (treatedRows === 0 || treatedRows === rows) {
    return null;
  }
  const model = qiniCurve(sample);
  const perfect = qiniCurve({
    ...sample,
    uplift: sample.labels.map((label, row) => (sample.treated[row] ? label : -label)),
  });
  const end = model.at(-1)!.incrementalResponders;
  const randomArea = (rows * end) / 2;
  const perfectGain = trapezoidArea(perfect) - randomArea;
  if (perfectGain <= 0) {
    return null;
  }
  return (trapezoidArea(model) - randomArea) / perfectGain;
}

/**
 * Uplift in the top share `k` of rows ranked by predicted uplift: the response rate of the
 * treated rows among the first ceil(k * n) minus that of the control rows among them
 * (scikit-uplift's `uplift_at_k` with `strategy='overall'`). Null when an arm has no row
 * in that top share.
 */
export function upliftAtK(sample: UpliftSample, k = 0.3): number | null {
  if (!(k > 0 && k <= 1)) {
    throw new RangeError(`k must be in (0, 1]; got ${k}`);
  }
  const order = rankByUplift(sample.uplift);
  // The small epsilon keeps k * n = 300.00000000000006 from rounding up to 301.
  const top = order.slice(0, Math.ceil(k * order.length - 1e-9));
  let treatedRows = 0;
  let controlRows = 0;
  let treatedResponders = 0;
  let controlResponders = 0;
  for (const row of top) {
    if (sample.treated[row]) {
      treatedRows++;
      treatedResponders += sample.labels[row]!;
    } else {
      controlRows++;
      controlResponders += sample.labels[row]!;
    }
  }
  if (treatedRows === 0 || controlRows === 0) {
    return null;
  }
  return treatedResponders / treatedRows - controlResponders / controlRows;
}

/** Row indices by predicted uplift, highest first; Array.prototype.sort is stable. */
function rankByUplift(uplift: readonly number[]): number[] {
  return uplift.map((_, row) => row).sort((a, b) => uplift[b]! - uplift[a]!);
}

function trapezoidArea(points: readonly QiniPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const width = points[i]!.targeted - points[i - 1]!.targeted;
    area += (width * (points[i]!.incrementalResponders + points[i - 1]!.incrementalResponders)) / 2;
  }
  return area;
}
