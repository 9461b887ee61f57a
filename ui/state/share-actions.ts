// What a terminal's owner does with its shares (docs/api.md, "Sharing a terminal"): make a link,
// list the shares with who joined (and follow the list as the server pushes it), revoke one, make
// someone a viewer or a participant, or remove them. The Share dialog calls these; each failure
// comes back as the server's own sentence.
import { ApiError, type Api } from '../protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { ShareRequest, ShareView, WatcherChange } from '../../src/protocol/index.ts';

export type ShareAnswer<T> = { ok: T } | { problem: string };

export class ShareActions {
  constructor(
    private readonly api: Pick<Api, 'share' | 'shares' | 'revokeShare' | 'changeWatcher'>,
    private readonly socket: Pick<SocketClient, 'onMessage'>,
  ) {}

  /** A new link: an absolute address to hand over (a local link's secret is in it, shown this once). */
  make(sessionId: string, request: ShareRequest): Promise<ShareAnswer<string>> {
    return answer(this.api.share(sessionId, request).then((made) => `${location.origin}${made.link}`));
  }

  list(sessionId: string): Promise<ShareAnswer<ShareView[]>> {
    return answer(this.api.shares(sessionId));
  }

  /**
   * The terminal's shares now, then again at each change the server pushes (the socket's `shares`)
   * until the returned function is called. A reconnected socket (its `hello`) may have missed
   * some: the list is read again then.
   */
  follow(sessionId: string, shares: (list: ShareAnswer<ShareView[]>) => void): () => void {
    const read = () => void this.list(sessionId).then((answer) => stopped || shares(answer));
    let stopped = false;
    const stop = this.socket.onMessage((message) => {
      if (message.type === 'shares' && message.sessionId === sessionId) shares({ ok: message.shares });
      else if (message.type === 'hello') read();
    });
    read();
    return () => {
      stopped = true;
      stop();
    };
  }

  revoke(sessionId: string, shareId: string): Promise<ShareAnswer<unknown>> {
    return answer(this.api.revokeShare(sessionId, shareId));
  }

  change(sessionId: string, shareId: string, change: WatcherChange): Promise<ShareAnswer<unknown>> {
    return answer(this.api.changeWatcher(sessionId, shareId, change));
  }
}

async function answer<T>(call: Promise<T>): Promise<ShareAnswer<T>> {
  try {
    return { ok: await call };
  } catch (error) {
    return { problem: error instanceof ApiError ? error.message : String(error) };
  }
}
