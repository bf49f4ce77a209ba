/**
 * Where the e2e web server listens and the token it requires. Fixed per checkout (the config file is
 * evaluated in every worker, so a random token would differ between them); override with env vars.
 */
export const E2E_PORT = Number(process.env.DECODESCOPE_E2E_PORT ?? 4178);
export const E2E_TOKEN = process.env.DECODESCOPE_E2E_TOKEN ?? 'e2e-token-0123456789abcdef';
export const E2E_ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_URL = `${E2E_ORIGIN}/?token=${E2E_TOKEN}`;
