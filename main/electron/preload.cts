// The window's only door to the main process: one channel carrying the studio's pipe messages
// (main/contract/pipe.ts). CommonJS because a sandboxed preload cannot be an ES module. It never
// grows per feature: a new feature is a new StudioService method, not a new bridge function.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS is the point (see above).
import electron = require('electron');

/** main.ts listens on the same name. */
const PIPE_CHANNEL = 'studio:pipe';

electron.contextBridge.exposeInMainWorld('studioPipe', {
  send(message: unknown): void {
    electron.ipcRenderer.send(PIPE_CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    // The event stays here: handing it to the page would give it ipcRenderer.
    const handler = (_event: electron.IpcRendererEvent, message: unknown) => listener(message);
    electron.ipcRenderer.on(PIPE_CHANNEL, handler);
    return () => {
      electron.ipcRenderer.removeListener(PIPE_CHANNEL, handler);
    };
  },
});
