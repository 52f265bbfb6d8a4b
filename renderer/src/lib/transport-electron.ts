import type { Transport } from '$api/client.ts';
import type { MEDIA_SCHEME, NearlabBridge } from '$api/contract.ts';

// The contract's constant, restated so the bundle need not import the contract's runtime (zod).
const SCHEME: typeof MEDIA_SCHEME = 'nearlab-media';

/** Electron: the preload's `window.nearlab` bridge; media through the custom protocol. */
export function electronTransport(bridge: NearlabBridge): Transport {
  return {
    call: (method, params) => bridge.call(method, params),
    subscribe: (listener) => bridge.subscribe(listener),
    mediaUrl: (kind, itemId) => `${SCHEME}://${kind}/${itemId}`,
  };
}
