/** The window: toolbar, token stream, timeline, main view + inspector, status bar; global keys and drops. */
import { useEffect, useState } from 'react';
import { useApp, appStore } from './store/store';
import { keyboard } from './keyboard/keyboard-manager';
import { pauseLiveRun, resumeLiveRun } from './store/live-run';
import { exportView, openTraceFile, openTraceText, pickTraceFile, saveTrace } from './actions';
import { hostBridge } from './client/host-bridge';
import { MODEL_FOLDER_EVENT } from './store/model-folder';
import { Toolbar } from './components/Toolbar';
import { TokenStream } from './components/TokenStream';
import { Timeline } from './components/Timeline';
import { MainView } from './components/MainView';
import { Inspector } from './components/Inspector';
import { StatusBar } from './components/StatusBar';
import { ShortcutsSheet, Toast } from './components/Overlays';
import { continueToNextHit, continueToPrevHit } from './debug/continue';
import './debug/register';
import { ViewerBar } from './export/ViewerBar';
import { IS_VIEWER } from './export/viewer-mode';
import { exportHtml } from './export/html-export';
import { Classroom } from './classroom/Classroom';

function openFilePicker() {
  void pickTraceFile();
}

function continueOrPause() {
  // With breakpoints enabled, F8 continues to the next hit (and resumes a live run paused at one).
  if (continueToNextHit()) return;
  const s = appStore.getState();
  if (s.runState === 'running') return void pauseLiveRun(appStore);
  if (s.runState === 'paused') return void resumeLiveRun(appStore);
  s.setPlaying(!s.playing);
}

/** The base keyboard layer: debugger stepping and app commands. */
function useGlobalKeys() {
  useEffect(() => {
    const s = () => appStore.getState();
    const detach = keyboard.attach(window);
    const pop = keyboard.push({
      id: 'global',
      priority: 0,
      inInputs: ['Escape', 'Ctrl+o', 'Ctrl+s'],
      handlers: {
        F8: continueOrPause,
        'Shift+F8': () => void continueToPrevHit(),
        'Shift+F7': () => s().move('stepBackInto'),
        F10: () => s().move('nextToken'),
        ArrowRight: () => s().move('nextToken'),
        'Shift+F10': () => s().move('prevToken'),
        ArrowLeft: () => s().move('prevToken'),
        F11: () => s().move('stepInto'),
        'Shift+F11': () => s().move('stepOut'),
        Space: () => s().setPlaying(!s().playing),
        Home: () => s().move('first'),
        End: () => s().move('last'),
        Escape: () => {
          s().lock(null);
          s().setStage(null);
          if (s().overlay) s().setOverlay(null);
          (document.activeElement as HTMLElement | null)?.blur?.();
        },
        '?': () => s().setOverlay(s().overlay === 'shortcuts' ? null : 'shortcuts'),
        'Ctrl+o': openFilePicker,
        'Ctrl+s': () => void saveTrace(),
        'Ctrl+Shift+e': () => void exportView('png'),
        'Ctrl+Alt+Shift+e': () => void exportView('svg'),
        'Ctrl+Shift+h': () => void exportHtml(),
        t: () => s().setTheme(s().theme === 'dark' ? 'light' : 'dark'),
        p: () => s().setColorMode(s().colorMode === 'source' ? 'probability' : 'source'),
      },
    });
    return () => {
      pop();
      detach();
    };
  }, []);
}

/** Replay: advance one token per tick while playing; stop at the end. */
function usePlayback() {
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => {
      const s = appStore.getState();
      if (s.cursor.stepIdx >= s.trace.steps.length - 1) s.setPlaying(false);
      else s.move('nextToken');
    }, 1000 / speed);
    return () => clearInterval(id);
  }, [playing, speed]);
}

function useDropToOpen() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => hasFiles(e) && e.preventDefault();
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      const bridge = hostBridge();
      // In Electron the main process reads dropped files (it also ungzips and adds them to recents).
      if (bridge) bridge.openDroppedTrace(f).then((t) => openTraceText(t.text, t.name), () => void openTraceFile(f));
      else void openTraceFile(f);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

/** Menu commands from the Electron shell, when there is one. */
function useHostMenu() {
  useEffect(() => {
    const bridge = hostBridge();
    if (!bridge) return;
    const offMenu = bridge.onMenuCommand((cmd) => {
      const s = appStore.getState();
      if (cmd.command === 'save-trace-as') void saveTrace();
      else if (cmd.command === 'export-view') void exportView(cmd.format);
      else if (cmd.command === 'export-html') void exportHtml();
      else if (cmd.command === 'toggle-theme') s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      else if (cmd.command === 'show-shortcuts') s.setOverlay('shortcuts');
      else if (cmd.command === 'model-folder-chosen') window.dispatchEvent(new CustomEvent(MODEL_FOLDER_EVENT, { detail: cmd.path }));
    });
    const offTrace = bridge.onTraceOpened((t) => openTraceText(t.text, t.name));
    return () => {
      offMenu();
      offTrace();
    };
  }, []);
}

export function App() {
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useGlobalKeys();
  usePlayback();
  useHostMenu();
  const dragging = useDropToOpen();
  return (
    <div className="app">
      {IS_VIEWER ? <ViewerBar /> : <Toolbar />}
      <TokenStream />
      <Timeline />
      <MainView />
      <Inspector />
      <StatusBar />
      <Classroom />
      <ShortcutsSheet />
      <Toast />
      {dragging ? <div className="drop-hint">Drop a trace file to open it</div> : null}
    </div>
  );
}
