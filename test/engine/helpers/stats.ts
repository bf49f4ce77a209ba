/** Pearson chi-square statistic of observed counts against expected counts. */
export function chiSquare(observed: number[], expected: number[]): number {
  let x = 0;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i]! === 0) {
      if (observed[i]! > 0) return Infinity;
      continue;
    }
    x += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  }
  return x;
}

/** Upper 1e-4 critical values of chi-square by degrees of freedom (index = df). */
export const CHI2_CRITICAL_1E4 = [0, 15.14, 18.42, 21.11, 23.51, 25.74, 27.86, 29.88, 31.83, 33.72, 35.56, 37.37, 39.13, 40.87, 42.58, 44.26, 45.92, 47.57, 49.19, 50.80, 52.39];
