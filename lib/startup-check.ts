import 'server-only';
import { env, EnvError } from './env';

/**
 * A bad configuration stops start-up here with a message naming each bad variable; Next.js would
 * otherwise log the error and keep serving pages that cannot work. Node.js runtime only.
 */
export function checkConfiguration(): void {
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
