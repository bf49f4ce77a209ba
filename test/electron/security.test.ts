import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { isAppUrl } from '../../electron/app-origin';
import { guardWebContents, isLocalRequestUrl, secureWebPreferences } from '../../electron/security';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/out/electron/preload.cjs');

  it('turns on the checklist items', () => {
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      preload: '/app/out/electron/preload.cjs',
    });
  });

  it('enables no blink features and sets no partition that could skip the guards', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.partition).toBeUndefined();
    expect(prefs.session).toBeUndefined();
  });
});

describe('isAppUrl', () => {
  it.each([
    ['app://decodescope/index.html', true],
    ['app://decodescope/assets/x.js?v=1#y', true],
    ['app://evil/index.html', false],
    ['app://decodescope.evil.com/index.html', false],
    ['app://user:pw@decodescope/index.html', false],
    ['https://decodescope/index.html', false],
    ['file:///etc/passwd', false],
    ['http://127.0.0.1:4178/', false],
    ['not a url', false],
    ['', false],
  ])('%s -> %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('guardWebContents', () => {
  /** A stand-in with the two hooks the guard uses; events are delivered as Electron delivers them. */
  function fakeContents() {
    const emitter = new EventEmitter() as EventEmitter & { openHandler?: (details: { url: string }) => unknown };
    Object.assign(emitter, {
      setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
        emitter.openHandler = handler;
      },
    });
    return emitter;
  }
  function navigate(contents: EventEmitter, event: string, url: string): boolean {
    let prevented = false;
    contents.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }

  it('denies navigation and redirects off the app origin, allows app:// reloads', () => {
    const contents = fakeContents();
    guardWebContents(contents as unknown as WebContents);
    expect(navigate(contents, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///home/user/dropped.trace.jsonl')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'app://decodescope/index.html')).toBe(false);
  });

  it('denies subframe navigation off the app origin', () => {
    const contents = fakeContents();
    guardWebContents(contents as unknown as WebContents);
    const frameNavigate = (url: string) => {
      let prevented = false;
      contents.emit('will-frame-navigate', { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(frameNavigate('https://example.com/')).toBe(true);
    expect(frameNavigate('app://decodescope/index.html')).toBe(false);
  });

  it('denies every new window and webview', () => {
    const contents = fakeContents();
    guardWebContents(contents as unknown as WebContents);
    expect(contents.openHandler?.({ url: 'app://decodescope/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});

describe('isLocalRequestUrl (no remote content)', () => {
  it('lets app://, devtools, blob and data through and nothing else', () => {
    expect(isLocalRequestUrl('app://decodescope/assets/a.js')).toBe(true);
    expect(isLocalRequestUrl('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isLocalRequestUrl('blob:app://decodescope/123')).toBe(true);
    expect(isLocalRequestUrl('https://cdn.example.com/react.js')).toBe(false);
    expect(isLocalRequestUrl('http://127.0.0.1:8080/')).toBe(false);
    expect(isLocalRequestUrl('ws://127.0.0.1:8080/engine')).toBe(false);
    expect(isLocalRequestUrl('file:///etc/passwd')).toBe(false);
  });
});
