/**
 * Core inside Electron: the module `utilityProcess.fork` runs (built to out/main/utility.js). It
 * opens the lab named by `--lab <file>` (else $NEARLAB_LAB, else the default lab), then answers
 * main's messages on `process.parentPort`. Training and import run here, so they never block the
 * window. See core/process/protocol.ts for the messages.
 */
import { NearlabService } from '../service/service.ts';
import { openLab } from '../store/default-lab.ts';
import { createCoreHandler, type ParentPortLike } from './handler.ts';
import { labArgument } from './args.ts';
import { FATAL_EXIT_CODE, type FromCoreMessage } from './protocol.ts';

/** Runs core on the given port until main asks it to stop. Returns false when the lab cannot be opened. */
export async function runCore(
  port: ParentPortLike,
  argv: readonly string[],
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<boolean> {
  const post = (m: FromCoreMessage) => port.postMessage(m);
  let service: NearlabService;
  try {
    service = new NearlabService(openLab(labArgument(argv)));
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
    return false;
  }
  let stopping = false;
  const handler = createCoreHandler(service, post, () => {
    if (stopping) return;
    stopping = true;
    handler.dispose();
    // Watchers first, so that no change starts an import while the jobs wind down.
    void service.watches
      .close()
      .then(() => {
        service.jobManager.cancelAll();
        return service.jobManager.idle();
      })
      .then(() => {
        service.lab.close();
        exit(0);
      });
  });
  port.on('message', (e) => void handler.handle(e.data));
  post({ type: 'ready', lab: service.lab.path });
  // The folders the Library's switch left on are watched again (a folder that cannot be is listed with why).
  void service.watches.resume();
  return true;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  void runCore(parentPort, process.argv).then((ok) => {
    // Let the fatal message reach main before exiting.
    if (!ok) setTimeout(() => process.exit(FATAL_EXIT_CODE), 100);
  });
}
