/** Startup: pick the engine client once, open the first bundled demo at once, then render. */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { appStore } from './store/store';
import { chooseClient } from './client/choose-client';
import { setEngineClient } from './store/live-run';
import { loadDemo } from './actions';
import { DEMOS } from './demos';
import './styles/app.css';
// Method-specific main views (draft tree, Jacobi graph, lookahead…) register themselves.
import './views';

const client = chooseClient();
setEngineClient(client);
appStore.getState().setEngine({ transport: client.transport });

let listed = false;
client.onStatus((status) => {
  appStore.getState().setEngine({ engineStatus: status });
  if (status.state === 'ready' && !listed) {
    listed = true;
    Promise.all([client.listModels(), client.listMethods()]).then(
      ([models, methods]) => {
        // A folder the user loaded while the list was on its way stays in it.
        const loaded = appStore.getState().models.filter((m) => !models.some((x) => x.path === m.path));
        appStore.getState().setEngine({ models: [...models, ...loaded], methods });
      },
      (e: Error) => appStore.getState().showToast('error', `The engine did not list its models: ${e.message}`),
    );
  }
  if (status.state === 'lost' && client.transport !== 'offline') listed = false;
});

document.documentElement.dataset.theme = appStore.getState().theme;
if (DEMOS.length) void loadDemo(DEMOS[0]!.name);

// Exposed for the Playwright tests and the UI benchmark (read-only use).
(globalThis as { __decodescope?: unknown }).__decodescope = { store: appStore };

createRoot(document.getElementById('root')!).render(<App />);
