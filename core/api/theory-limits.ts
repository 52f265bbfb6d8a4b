/** Caps that bound the cost of one Theory-lab request (no dependencies, so the renderer can import them too). */
export const THEORY_LIMITS = {
  /** Points in a 2-D data set (playground, KDE). */
  points: 2000,
  classes: 12,
  /** Raster columns / rows. */
  grid: 256,
  /** Exact Voronoi edges are computed up to this many points (O(n²)); above it, draw the 1-NN raster. */
  voronoiPoints: 1000,
  /** Largest K of an error curve. */
  kMax: 2000,
  /** Ball-growth frames of the KDE view. */
  growth: 500,
  coverHartN: 10_000,
  coverHartRepeats: 50,
  coverHartTestSize: 5000,
  mcSamples: 1_000_000,
  dimension: 10_000,
  concentrationDimension: 4096,
  concentrationN: 5000,
  concentrationQueries: 200,
  noiseTrain: 3000,
  noiseTest: 2000,
  noiseDims: 1000,
  noiseRepeats: 20,
  yourDataItems: 2000,
} as const;
