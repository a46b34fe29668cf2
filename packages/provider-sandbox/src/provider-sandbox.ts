import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultTable } from './fault-table';
import type { SandboxFault } from './fault-table';
import { metaMediaRoutes, whapiMediaLink, whapiMediaRoutes } from './media-routes';
import { replyJson } from './replies';
import { bearerOf, matchRoute } from './router';
import type { SandboxRoute } from './router';
import type { SandboxContext, SandboxMedia, SandboxTokens } from './sandbox-context';

export interface ProviderSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Tokens the sandbox accepts as `Authorization: Bearer …`, per provider. */
  tokens: SandboxTokens;
  /** More endpoints (e.g. send endpoints), tried after the built-in ones. */
  routes?: readonly SandboxRoute[];
}

export interface RecordedRequest {
  /** Name of the route that answered, or undefined for a 404 outside every route. */
  route: string | undefined;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Whether an Authorization header was sent (its value is never recorded). */
  authorized: boolean;
}

export interface ProviderSandbox {
  /** `http://127.0.0.1:<port>`: use as a Meta channel's graphBaseUrl and a Whapi channel's baseUrl. */
  url: string;
  port: number;
  addMedia(media: SandboxMedia): void;
  injectFault(fault: SandboxFault): void;
  clearFaults(): void;
  addRoute(route: SandboxRoute): void;
  /** The webhook `link` Whapi would send for this media id. */
  whapiMediaLink(mediaId: string): string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * A local stand-in for Meta's and Whapi's HTTP APIs on 127.0.0.1: media endpoints now, send
 * endpoints later, selected through one route table. Used by integration tests and local mode.
 */
export const startProviderSandbox = async (options: ProviderSandboxOptions): Promise<ProviderSandbox> => {
  const media = new Map<string, SandboxMedia>();
  const faults = new FaultTable();
  const requests: RecordedRequest[] = [];
  const pendingWaits = new Set<() => void>();
  let baseUrl = '';

  const context: SandboxContext = {
    baseUrl: () => baseUrl,
    media,
    faults,
    tokens: options.tokens,
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          pendingWaits.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        pendingWaits.add(done);
      }),
  };
  const routes: SandboxRoute[] = [...metaMediaRoutes(context), ...whapiMediaRoutes(context), ...(options.routes ?? [])];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
    requests.push({
      route: match?.route.name,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorized: req.headers.authorization !== undefined,
    });
    if (match === undefined) {
      replyJson(res, 404, { error: { code: 404, message: `no sandbox route for ${req.method ?? 'GET'} ${url.pathname}` } });
      return;
    }
    Promise.resolve(match.route.handle({ req, res, url, params: match.params, bearer: bearerOf(req) })).catch((error: unknown) => {
      if (!res.headersSent) replyJson(res, 500, { error: { code: 500, message: error instanceof Error ? error.message : String(error) } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${HOST}:${port}`;

  return {
    url: baseUrl,
    port,
    addMedia: (item) => {
      media.set(item.id, { ...item, bytes: Uint8Array.from(item.bytes) });
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    addRoute: (route) => {
      routes.push(route);
    },
    whapiMediaLink: (mediaId) => whapiMediaLink(baseUrl, mediaId),
    requests,
    close: async () => {
      for (const release of [...pendingWaits]) release();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
