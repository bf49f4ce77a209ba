/**
 * Startup of the single-file viewer (an exported replay): no engine, no demos; open the trace the
 * export wrote into the page, then render the same App with the replay bar in place of the run controls.
 */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { appStore } from './store/store';
import { OfflineClient } from './client/offline-client';
import { setEngineClient } from './store/live-run';
import { openTraceText } from './actions';
import { readEmbeddedTrace } from './export/embedded-trace';
import { setViewerExportInfo } from './export/viewer-mode';
import './styles/app.css';
// Method-specific main views register themselves, as in the app.
import './views';

const client = new OfflineClient('an exported replay: the trace is in the page, no engine runs here');
setEngineClient(client);
appStore.getState().setEngine({ transport: client.transport });
client.onStatus((status) => appStore.getState().setEngine({ engineStatus: status }));
document.documentElement.dataset.theme = appStore.getState().theme;

const embedded = readEmbeddedTrace(document);
if (embedded.kind === 'trace') {
  setViewerExportInfo(embedded.info);
  openTraceText(embedded.text, embedded.info?.sourceName || 'exported trace');
} else {
  appStore.getState().showToast('error', 'This page has no trace in it: make one with Export as HTML in Decodescope, or `decodescope export --format html`.');
}

(globalThis as { __decodescope?: unknown }).__decodescope = { store: appStore };

createRoot(document.getElementById('root')!).render(<App />);
