/**
 * Electron main process: one window showing app://decodescope/, the menu, dialogs and file
 * plumbing, and the engine in a utilityProcess. No model work happens here.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type FileFilter, type IpcMainEvent } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ENTRY_URL } from './app-origin';
import { IpcChannel, type MenuCommand, type OpenedTrace } from './bridge-api';
import { EngineProcess } from './engine-process';
import { IpcArgs, validatedHandler, validatedListener } from './ipc-validators';
import { buildMenuTemplate } from './menu';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol';
import { RecentFiles } from './recent-files';
import { blockRemoteRequests, denyAllPermissions, denyNewWindows, guardWebContents, secureWebPreferences } from './security';
import { readTraceFile, traceFilesInArgv } from './trace-files';

const log = (message: string): void => console.log(`[decodescope] ${message}`);

// Bundled to out/electron/main.cjs; its siblings are preload.cjs and engine.cjs.
const outDir = __dirname;
const appRoot = app.getAppPath();
const resources = (name: string): string =>
  app.isPackaged ? join(process.resourcesPath, name) : join(appRoot, 'assets', name);
const paths = {
  renderer: join(outDir, '..', 'renderer'),
  preload: join(outDir, 'preload.cjs'),
  engine: join(outDir, 'engine.cjs'),
  models: resources('models'),
  demo: resources('demo'),
};

let mainWindow: BrowserWindow | undefined;
let engine: EngineProcess | undefined;
let recent: RecentFiles | undefined;

function sendToWindow(channel: string, value: unknown): void {
  const contents = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : undefined;
  if (!contents) return;
  // Sent before the page (and its preload) exist, a message would be lost; the preload keeps
  // traces until the page subscribes.
  if (contents.isLoading()) contents.once('did-finish-load', () => contents.send(channel, value));
  else contents.send(channel, value);
}

const menuCommand = (command: MenuCommand): void => sendToWindow(IpcChannel.menuCommand, command);

async function openTracePath(path: string): Promise<void> {
  try {
    const trace = await readTraceFile(path);
    rememberRecent(trace.path);
    sendToWindow(IpcChannel.traceOpened, trace);
    mainWindow?.setTitle(`${trace.name} — Decodescope`);
  } catch (error) {
    dialog.showErrorBox('Could not open trace', (error as Error).message);
  }
}

function rememberRecent(path: string): void {
  recent?.add(path);
  app.addRecentDocument(path);
  rebuildMenu();
}

async function chooseTrace(): Promise<OpenedTrace | null> {
  const options = {
    title: 'Open Trace',
    properties: ['openFile' as const],
    filters: [
      { name: 'Decodescope traces', extensions: ['jsonl', 'gz'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  const [path] = result.filePaths;
  if (result.canceled || !path) return null;
  const trace = await readTraceFile(path);
  rememberRecent(trace.path);
  return trace;
}

async function chooseModelFolder(): Promise<string | null> {
  const options = { title: 'Open Model Folder', properties: ['openDirectory' as const] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function saveWithDialog(suggestedName: string, filters: FileFilter[], data: string | Uint8Array): Promise<string | null> {
  const options = { defaultPath: join(app.getPath('documents'), suggestedName), filters };
  const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  await writeFile(result.filePath, data);
  return result.filePath;
}

function rebuildMenu(): void {
  const template = buildMenuTemplate(
    {
      openTrace: () => {
        chooseTrace().then(
          (trace) => trace && sendToWindow(IpcChannel.traceOpened, trace),
          (error: Error) => dialog.showErrorBox('Could not open trace', error.message),
        );
      },
      openRecent: (path) => void openTracePath(path),
      clearRecent: () => {
        recent?.clear();
        app.clearRecentDocuments();
        rebuildMenu();
      },
      openModelFolder: () => {
        void chooseModelFolder().then((path) => path && menuCommand({ command: 'model-folder-chosen', path }));
      },
      saveTraceAs: () => menuCommand({ command: 'save-trace-as' }),
      exportView: (format) => menuCommand({ command: 'export-view', format }),
      exportHtml: () => menuCommand({ command: 'export-html' }),
      toggleTheme: () => menuCommand({ command: 'toggle-theme' }),
      showShortcuts: () => menuCommand({ command: 'show-shortcuts' }),
    },
    { recent: recent?.list() ?? [], isMac: process.platform === 'darwin', developer: !app.isPackaged },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function registerIpc(): void {
  ipcMain.handle(IpcChannel.openTraceDialog, validatedHandler(IpcChannel.openTraceDialog, IpcArgs.none, () => chooseTrace()));
  ipcMain.handle(
    IpcChannel.openDroppedTrace,
    validatedHandler(IpcChannel.openDroppedTrace, IpcArgs.openDroppedTrace, async (_event, path) => {
      const trace = await readTraceFile(path);
      rememberRecent(trace.path);
      return trace;
    }),
  );
  ipcMain.handle(
    IpcChannel.openModelFolderDialog,
    validatedHandler(IpcChannel.openModelFolderDialog, IpcArgs.none, () => chooseModelFolder()),
  );
  ipcMain.handle(
    IpcChannel.saveTrace,
    validatedHandler(IpcChannel.saveTrace, IpcArgs.saveTrace, async (_event, text, suggestedName) => {
      const path = await saveWithDialog(suggestedName, [{ name: 'Decodescope trace', extensions: ['jsonl'] }], text);
      if (path) rememberRecent(path);
      return path;
    }),
  );
  ipcMain.handle(
    IpcChannel.saveExport,
    validatedHandler(IpcChannel.saveExport, IpcArgs.saveExport, (_event, request) =>
      saveWithDialog(request.suggestedName, [{ name: request.format.toUpperCase(), extensions: [request.format] }], request.data),
    ),
  );
  ipcMain.on(
    IpcChannel.requestEnginePort,
    validatedListener<IpcMainEvent>(IpcChannel.requestEnginePort, (event) => engine?.attach(event.sender), log),
  );
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Decodescope',
    backgroundColor: '#1e1f22',
    webPreferences: secureWebPreferences(paths.preload),
  });
  guardWebContents(mainWindow.webContents);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  void mainWindow.loadURL(APP_ENTRY_URL);
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.enableSandbox();
  const startupTraces = traceFilesInArgv(process.argv.slice(1), process.cwd());

  app.on('second-instance', (_event, argv, cwd) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    for (const path of traceFilesInArgv(argv.slice(1), cwd)) void openTracePath(path);
  });
  // macOS file association and dock drops.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) void openTracePath(path);
    else startupTraces.push(path);
  });
  app.on('web-contents-created', (_event, contents) => denyNewWindows(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => engine?.stop());

  void app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession);
    blockRemoteRequests(session.defaultSession);
    registerAppProtocol(protocol, { rendererDir: paths.renderer, demoDir: paths.demo });
    recent = new RecentFiles(join(app.getPath('userData'), 'recent-traces.json'));
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    // Would turn a child into plain Node; never inherit it.
    delete env.ELECTRON_RUN_AS_NODE;
    env.DECODESCOPE_MODELS_DIR = paths.models;
    env.DECODESCOPE_APP_ROOT = appRoot;
    engine = new EngineProcess({ entry: paths.engine, env, log });
    engine.start();
    registerIpc();
    rebuildMenu();
    createWindow();
    for (const path of startupTraces) void openTracePath(path);
  });
}

main();
