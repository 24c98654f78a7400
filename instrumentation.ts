/**
 * Runs once when the server starts. A bad configuration stops start-up here with a message naming each
 * bad variable; Next.js would otherwise log the error and keep serving pages that cannot work.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env, EnvError } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
