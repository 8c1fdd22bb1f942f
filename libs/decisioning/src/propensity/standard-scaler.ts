/** Per-column mean and standard deviation; a constant column gets scale 1 so it maps to 0. */
export interface Scaling {
  means: number[];
  scales: number[];
}

export function fitScaling(rows: readonly (readonly number[])[]): Scaling {
  const width = rows[0]?.length ?? 0;
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      means[j]! += row[j]! / rows.length;
    }
  }
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      scales[j]! += (row[j]! - means[j]!) ** 2 / rows.length;
    }
  }
  return { means, scales: scales.map((variance) => (variance > 1e-12 ? Math.sqrt(variance) : 1)) };
}

export function applyScaling(scaling: Scaling, row: readonly number[]): number[] {
  return row.map((value, j) => (value - scaling.means[j]!) / scaling.scales[j]!);
}
