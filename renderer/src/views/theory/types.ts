import type { ParsedParams } from '$api/contract.ts';

/** A metric of the plane as the API takes it. */
export type PlaneMetric = ParsedParams<'theoryRegions'>['metric'];

/** A dataset generator as the API takes it. */
export type Shape = ParsedParams<'theoryDataset'>['shape'];
