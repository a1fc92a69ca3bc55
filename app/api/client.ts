// The faces' typed view of the contract, over any transport (the preload's IPC bridge, the web UI's
// WebSocket, a test's in-process dispatch). Type-only imports: the renderer bundle carries no zod.
import type { ApiError, ApiEvent, MethodArgs, MethodName, MethodResult, Reply } from "./contract.js";

export interface Transport {
  call(method: MethodName, args: unknown): Promise<Reply<unknown>>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

/** A call that failed: the contract's ApiError as an Error a face can catch. */
export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = "ApiCallError";
  }
}

export class ApiClient {
  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
    const reply = await this.transport.call(method, args);
    if (!reply.ok) throw new ApiCallError(reply.error);
    return reply.value as MethodResult<M>;
  }

  on(listener: (e: ApiEvent) => void): () => void {
    return this.transport.subscribe(listener);
  }
}

/**
 * What the Electron preload exposes as `window.tenbolt` through contextBridge: the same two functions
 * as a Transport, nothing else. The renderer wraps it in an ApiClient.
 */
export interface BridgeApi {
  call(method: string, args: unknown): Promise<Reply<unknown>>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
}
