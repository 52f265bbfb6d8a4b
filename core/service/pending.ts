/**
 * API methods declared in the contract whose implementation is being built (one line each; a handler group
 * that implements a method deletes its line here). Empty once everything is built: then this file goes.
 */
import type { ApiHandlers } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';

const notYet = (): Promise<never> => Promise.reject(new ApiError('bad-request', 'this method is not built yet'));

export const pendingHandlers = {
} satisfies Partial<ApiHandlers>;
