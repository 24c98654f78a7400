import 'server-only';
import { env, EnvError } from './env';
import { usersOf } from './http/access';

/**
 * A bad configuration stops start-up here with a message naming each bad variable; Next.js would
 * otherwise log the error and keep serving pages that cannot work. Node.js runtime only.
 */
export function checkConfiguration(): void {
  let webConfigFile: string | undefined;
  try {
    webConfigFile = env().GAPSCOPE_WEB_CONFIG_FILE;
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  if (!webConfigFile) {
    console.log('gapscope: access control is off (GAPSCOPE_WEB_CONFIG_FILE is not set): anyone who can reach this server reads Prometheus and the kubelets with its credentials. Fine on loopback; see the README to turn it on.');
    return;
  }
  const users = usersOf(webConfigFile);
  if (typeof users === 'string') {
    console.error(`Invalid configuration:\n  ${users}`);
    process.exit(1);
  }
  console.log(`gapscope: access control is on: basic auth for the ${users.count} users of GAPSCOPE_WEB_CONFIG_FILE`);
}
