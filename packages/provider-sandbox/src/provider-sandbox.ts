import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCancellableWait } from './cancellable-wait';
import { FaultTable } from './fault-table';
import type { SandboxFault } from './fault-table';
import { metaMediaRoutes, whapiMediaLink, whapiMediaRoutes } from './media-routes';
import { metaSendRoutes } from './meta-send-routes';
import { replyJson } from './replies';
import { BodyTooLargeError } from './request-body';
import { bearerOf, matchRoute } from './router';
import type { SandboxRoute } from './router';
import type { SandboxContext, SandboxMedia, SandboxTokens } from './sandbox-context';
import type { RecordedRequest, SandboxSentMessage, SandboxUpload } from './sandbox-records';
import { DEFAULT_SEED, createSeededRandom } from './seeded-random';
import { StatusWebhookDispatcher } from './status-webhooks';
import type { StatusWebhookSettings } from './status-webhooks';
import { whapiSendRoutes } from './whapi-send-routes';

export type { RecordedRequest, SandboxSentMessage, SandboxUpload } from './sandbox-records';
export type { SandboxFault } from './fault-table';
export type { StatusWebhookError, StatusWebhookSettings } from './status-webhooks';

export interface ProviderSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Tokens the sandbox accepts as `Authorization: Bearer …`, per provider. */
  tokens: SandboxTokens;
  /** More endpoints, tried after the built-in ones. */
  routes?: readonly SandboxRoute[];
  /** Post status webhooks after each accepted send (also settable later: configureStatusWebhooks). */
  statusWebhooks?: StatusWebhookSettings;
  /**
   * Whapi token → channel id, asked on every Whapi request (a function, so local mode can re-read
   * its config). Gives `sent[].channelId` and the webhook channel; a mapped token is also accepted.
   */
  whapiChannels?: () => Record<string, string>;
  /** Seed of the generator behind fault probabilities, shuffles and duplicates; a fixed default. */
  seed?: number;
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
  /** Every accepted send, oldest first. */
  sent: SandboxSentMessage[];
  /** Every accepted media upload, oldest first. */
  uploads: SandboxUpload[];
  /** Status webhook settings for sends accepted from now on; undefined turns them off. */
  configureStatusWebhooks(settings: StatusWebhookSettings | undefined): void;
  /** Status webhook posts scheduled and not yet delivered or given up. */
  pendingWebhooks(): number;
  /** Resolves once no status webhook is pending. */
  whenWebhooksIdle(): Promise<void>;
  /** Stops pending webhooks, cuts delayed answers and closes the server. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * A local stand-in for Meta's and Whapi's HTTP APIs on 127.0.0.1 — media, send and upload endpoints
 * through one route table — that records what it accepted and posts status webhooks back. Used by
 * integration tests, local mode and the end-to-end runs.
 */
export const startProviderSandbox = async (options: ProviderSandboxOptions): Promise<ProviderSandbox> => {
  const seed = options.seed ?? DEFAULT_SEED;
  const media = new Map<string, SandboxMedia>();
  const faults = new FaultTable(createSeededRandom(seed));
  // A stream of its own, so webhook draws never shift which requests a probabilistic fault hits.
  const webhooks = new StatusWebhookDispatcher(createSeededRandom(seed ^ 0x9e3779b9), options.statusWebhooks);
  const requests: RecordedRequest[] = [];
  const sent: SandboxSentMessage[] = [];
  const uploads: SandboxUpload[] = [];
  const waits = createCancellableWait();
  let sequence = 0;
  let baseUrl = '';

  const whapiChannelFor = (token: string): string | undefined => {
    const channels = options.whapiChannels?.() ?? {};
    return Object.hasOwn(channels, token) ? channels[token] : undefined;
  };

  const context: SandboxContext = {
    baseUrl: () => baseUrl,
    media,
    faults,
    tokens: options.tokens,
    wait: (ms) => waits.wait(ms),
    isMetaToken: (token) => token !== undefined && options.tokens.meta.includes(token),
    isWhapiToken: (token) => token !== undefined && (options.tokens.whapi.includes(token) || whapiChannelFor(token) !== undefined),
    whapiChannelFor,
    nextSequence: () => (sequence += 1),
    recordSent: (message, recordOptions) => {
      sent.push(message);
      if (recordOptions?.statusWebhooks !== false) webhooks.schedule(message);
    },
    findSent: (provider, providerMessageId) => sent.findLast((message) => message.provider === provider && message.providerMessageId === providerMessageId),
    recordUpload: (upload) => {
      uploads.push(upload);
    },
  };
  const routes: SandboxRoute[] = [
    ...metaMediaRoutes(context),
    ...whapiMediaRoutes(context),
    ...metaSendRoutes(context),
    ...whapiSendRoutes(context),
    ...(options.routes ?? []),
  ];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
    const recorded: RecordedRequest = {
      route: match?.route.name,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorized: req.headers.authorization !== undefined,
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    if (match === undefined) {
      replyJson(res, 404, { error: { code: 404, message: `no sandbox route for ${req.method ?? 'GET'} ${url.pathname}` } });
      return;
    }
    Promise.resolve(match.route.handle({ req, res, url, params: match.params, bearer: bearerOf(req), recorded })).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else if (error instanceof BodyTooLargeError) replyJson(res, 413, { error: { code: 413, message: error.message } });
      else replyJson(res, 500, { error: { code: 500, message: error instanceof Error ? error.message : String(error) } });
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
    sent,
    uploads,
    configureStatusWebhooks: (settings) => webhooks.configure(settings),
    pendingWebhooks: () => webhooks.pending(),
    whenWebhooksIdle: () => webhooks.whenIdle(),
    close: async () => {
      await webhooks.close();
      waits.releaseAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
