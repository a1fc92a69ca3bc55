// The sandboxed preload: exposes exactly the contract's transport (BridgeApi in app/api/client.ts) as
// window.tenbolt, nothing else. Sandboxed preloads run as CommonJS and may only require electron.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";

type Listener = (e: unknown) => void;

contextBridge.exposeInMainWorld("tenbolt", {
  call(method: string, args: unknown): Promise<unknown> {
    return ipcRenderer.invoke("tenbolt:call", String(method), args);
  },
  subscribe(listener: Listener): () => void {
    const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on("tenbolt:event", wrapped);
    return () => {
      ipcRenderer.removeListener("tenbolt:event", wrapped);
    };
  },
});
