import { describe, expect, it } from 'vitest';
import { IpcArgs, isTrustedSender, validatedHandler, validatedListener } from '../../electron/ipc-validators';

const appFrame = { url: 'app://decodescope/index.html', parent: null };

describe('isTrustedSender', () => {
  it('accepts top-level app:// frames', () => {
    expect(isTrustedSender(appFrame)).toBe(true);
    expect(isTrustedSender({ url: 'app://decodescope/', parent: null })).toBe(true);
  });

  it.each([
    ['a remote page', { url: 'https://example.com/', parent: null }],
    ['a file page', { url: 'file:///tmp/x.html', parent: null }],
    ['another app host', { url: 'app://other/index.html', parent: null }],
    ['the web-mode server', { url: 'http://127.0.0.1:4178/', parent: null }],
    ['an app:// subframe', { url: 'app://decodescope/frame.html', parent: appFrame }],
    ['about:blank', { url: 'about:blank', parent: null }],
  ])('rejects %s', (_label, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });

  it('rejects a missing frame (navigated away or destroyed)', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('validatedHandler', () => {
  const save = validatedHandler('trace:save', IpcArgs.saveTrace, (_event, text, name) => `${name}:${text.length}`);

  it('calls the handler for a trusted sender with valid arguments', async () => {
    await expect(save({ senderFrame: appFrame }, '{"type":"header"}\n', 'run.trace.jsonl')).resolves.toBe('run.trace.jsonl:18');
  });

  it('rejects an untrusted sender before looking at the arguments', async () => {
    await expect(save({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'x', 'a.jsonl')).rejects.toThrow(
      /untrusted sender \(https:\/\/evil\.example\/\)/,
    );
  });

  it('rejects bad arguments naming the argument', async () => {
    await expect(save({ senderFrame: appFrame }, 42, 'a.jsonl')).rejects.toThrow(/trace:save: argument 0:/);
    await expect(save({ senderFrame: appFrame }, 'x', '../../.bashrc')).rejects.toThrow(/argument 1: must be a file name/);
    await expect(save({ senderFrame: appFrame }, 'x')).rejects.toThrow(/trace:save: argument/);
  });

  it('checks export requests', async () => {
    const exportView = validatedHandler('export:save', IpcArgs.saveExport, (_e, request) => request.format);
    await expect(
      exportView({ senderFrame: appFrame }, { format: 'png', suggestedName: 'view.png', data: new Uint8Array([137, 80]) }),
    ).resolves.toBe('png');
    await expect(exportView({ senderFrame: appFrame }, { format: 'gif', suggestedName: 'v.gif', data: '' })).rejects.toThrow(
      /argument 0\.format/,
    );
  });

  it('only opens dropped .jsonl / .jsonl.gz files', async () => {
    const open = validatedHandler('trace:open-dropped', IpcArgs.openDroppedTrace, (_e, path) => path);
    await expect(open({ senderFrame: appFrame }, '/home/u/run.trace.jsonl')).resolves.toBe('/home/u/run.trace.jsonl');
    await expect(open({ senderFrame: appFrame }, '/home/u/run.trace.jsonl.gz')).resolves.toBe('/home/u/run.trace.jsonl.gz');
    await expect(open({ senderFrame: appFrame }, '/etc/shadow')).rejects.toThrow(/must be a \.jsonl/);
  });

  it('refuses extra arguments to argument-less channels', async () => {
    const dialog = validatedHandler('trace:open-dialog', IpcArgs.none, () => 'opened');
    await expect(dialog({ senderFrame: appFrame })).resolves.toBe('opened');
    await expect(dialog({ senderFrame: appFrame }, '/etc/passwd')).rejects.toThrow(/trace:open-dialog/);
  });
});

describe('validatedListener', () => {
  it('drops untrusted messages and logs them', () => {
    const calls: string[] = [];
    const logs: string[] = [];
    const listener = validatedListener('engine:request-port', () => calls.push('ok'), (m) => logs.push(m));
    listener({ senderFrame: appFrame });
    listener({ senderFrame: { url: 'https://evil.example/', parent: null } });
    listener({ senderFrame: null });
    expect(calls).toEqual(['ok']);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toContain('untrusted sender');
  });
});
