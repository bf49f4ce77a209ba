/**
 * Electron's security checklist as code: the one webPreferences object every window uses, and the
 * guards that deny navigation, new windows and permission requests. Types only from electron, so
 * this module loads in unit tests without the Electron binary.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { isAppUrl } from './app-origin';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
    spellcheck: false,
    safeDialogs: true,
  };
}

/** For every web contents (devtools included): no new windows, no webviews. */
export function denyNewWindows(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Keeps an app window on the app origin: no navigation away, no redirects off it, plus
 * denyNewWindows. (Not applied to devtools, which navigate within devtools://.)
 */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    // The page may reload itself; anything else (a dropped file, a link) is refused.
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  denyNewWindows(contents);
}

/** No camera, microphone, notifications, geolocation, …: the app needs none. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** No remote content: every request must stay on the app's own scheme (devtools and blobs excepted). */
export function blockRemoteRequests(session: Session): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalRequestUrl(details.url) });
  });
}

export function isLocalRequestUrl(raw: string): boolean {
  if (isAppUrl(raw)) return true;
  try {
    const { protocol } = new URL(raw);
    return protocol === 'devtools:' || protocol === 'blob:' || protocol === 'data:';
  } catch {
    return false;
  }
}
