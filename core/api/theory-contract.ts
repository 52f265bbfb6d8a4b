/** API methods of the Theory lab (issue 6): merged into contract.ts's `params` and `Results`. */
export const theoryParams = {} as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the Theory lab
export interface TheoryResults {}
