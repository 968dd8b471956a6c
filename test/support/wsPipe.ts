// A UI WebSocket as the contract's pipe endpoint: JSON frames each way, as the browser's page does.
import type WebSocket from 'ws';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../../main/contract/pipe.js';

export function wsPipe(ws: WebSocket): PipeEndpoint<PipeFromStudio, PipeToStudio> {
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    onMessage: (l) => {
      const h = (d: Buffer) => l(JSON.parse(d.toString()) as PipeFromStudio);
      ws.on('message', h);
      return { dispose: () => void ws.off('message', h) };
    },
    onClose: (l) => {
      ws.on('close', l);
      return { dispose: () => void ws.off('close', l) };
    },
  };
}
