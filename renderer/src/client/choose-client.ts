/** Picks the EngineClient once at startup. Nothing else in the renderer knows which one it got. */
import type { EngineClient } from '../../../engine/protocol/messages';
import { hostBridge } from './host-bridge';
import { MessagePortClient } from './message-port-client';
import { OfflineClient } from './offline-client';
import { WebSocketClient, engineSocketUrl, tokenFromLocation } from './websocket-client';

export function chooseClient(loc: Location = window.location): EngineClient {
  const bridge = hostBridge();
  if (bridge) {
    const client = new MessagePortClient();
    // The shell reports the utilityProcess exiting; a fresh port follows when it restarts.
    bridge.onEngineStatus((status) => {
      if (status.state === 'lost' || status.state === 'restarting') client.engineLost(status.message ?? `engine ${status.state}`, status.state);
    });
    bridge.requestEnginePort();
    return client;
  }
  const token = tokenFromLocation(loc);
  if (token && (loc.protocol === 'http:' || loc.protocol === 'https:')) return new WebSocketClient(engineSocketUrl(loc, token));
  return new OfflineClient(
    loc.protocol.startsWith('http')
      ? 'No engine token in the page address: open the URL that `decodescope serve` printed to run models. Traces and demos still work.'
      : undefined,
  );
}
