/**
 * The Content-Security-Policy for the renderer, identical in Electron (app:// protocol) and web mode
 * (HTTP server) except for where the engine connection may go. No 'unsafe-eval' anywhere: zod runs
 * jitless and nothing in the renderer compiles code at runtime.
 */

export interface CspOptions {
  /** Extra connect-src sources, e.g. the web server's own ws:// origin. Electron passes none (MessagePort). */
  connectSrc?: readonly string[];
}

export function buildCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    // React and d3 set inline style attributes; that is all 'unsafe-inline' allows here.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    // data:/blob: for PNG/SVG export previews and downloads.
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', connect],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Headers sent with every renderer response, both hosts. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
