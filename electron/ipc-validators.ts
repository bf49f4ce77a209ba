/**
 * Every IPC handler checks who sent the message (only frames of the app:// origin) and what it
 * carries (zod schemas) before doing anything. Types only from electron: unit-testable.
 */
import { z } from 'zod';
import { isAppUrl } from './app-origin';

z.config({ jitless: true });

/** The part of a sending frame we judge; Electron's WebFrameMain has these. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent?: unknown;
}

export interface IpcEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

/** Trusted: a live top-level frame showing a page of our own origin. */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isAppUrl(frame.url);
}

const MAX_TRACE_CHARS = 256 * 1024 * 1024;
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n), 'must be a file name, not a path');

export const IpcArgs = {
  none: z.tuple([]),
  openDroppedTrace: z.tuple([
    z
      .string()
      .min(1)
      .refine((p) => !p.includes('\0'), 'must not contain NUL')
      .refine((p) => /\.jsonl(\.gz)?$/i.test(p), 'must be a .jsonl or .jsonl.gz file'),
  ]),
  saveTrace: z.tuple([z.string().max(MAX_TRACE_CHARS), fileName]),
  saveExport: z.tuple([
    z.object({
      format: z.enum(['png', 'svg', 'html']),
      suggestedName: fileName,
      data: z.union([z.instanceof(Uint8Array), z.string().max(64 * 1024 * 1024)]),
    }),
  ]),
} as const;

export class IpcRejected extends Error {}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `argument ${i.path.map(String).join('.') || '(all)'}: ${i.message}`).join('; ');
}

/**
 * Wraps an ipcMain.handle handler: refuses untrusted senders and malformed arguments with an
 * error (which the renderer's invoke() rejects with), then calls `handler` with parsed arguments.
 */
export function validatedHandler<S extends z.ZodTuple, R, E extends IpcEventLike = IpcEventLike>(
  channel: string,
  schema: S,
  handler: (event: E, ...args: z.infer<S>) => R | Promise<R>,
): (event: E, ...args: unknown[]) => Promise<R> {
  return async (event, ...args) => {
    if (!isTrustedSender(event.senderFrame)) {
      throw new IpcRejected(`${channel}: refused a message from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
    }
    const parsed = schema.safeParse(args);
    if (!parsed.success) throw new IpcRejected(`${channel}: ${describe(parsed.error)}`);
    return handler(event, ...(parsed.data as z.infer<S>));
  };
}

/** The same check for fire-and-forget ipcMain.on listeners: untrusted messages are dropped and logged. */
export function validatedListener<E extends IpcEventLike = IpcEventLike>(
  channel: string,
  handler: (event: E) => void,
  log: (message: string) => void = (m) => console.warn(m),
): (event: E, ...args: unknown[]) => void {
  return (event) => {
    if (!isTrustedSender(event.senderFrame)) {
      log(`${channel}: dropped a message from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
      return;
    }
    handler(event);
  };
}
