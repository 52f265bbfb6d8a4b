import type { Lab } from '../../store/lab.ts';

/** Thrown by crashAfterStep: the run stopped as if its process had been killed. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/**
 * A train() onStep observer that stops the run after `step` steps the way a killed process stops: the lab's
 * connection is closed first, so nothing more reaches the lab (the run is not marked failed; it stays 'running'
 * with its last checkpoint), then SimulatedCrash is thrown. Open the lab file again to inspect or resume it.
 */
export function crashAfterStep(lab: Lab, step: number): (done: number) => void {
  return (done) => {
    if (done !== step) return;
    lab.close();
    throw new SimulatedCrash('killed');
  };
}
