import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './sandbox-records';

export interface SandboxRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Named groups of the route's pattern, URL-decoded. */
  params: Readonly<Record<string, string>>;
  /** The token of an `Authorization: Bearer …` header, if any. */
  bearer: string | undefined;
  /** This request's entry in `sandbox.requests`: a handler that parses the body sets its `body`. */
  recorded: RecordedRequest;
}

/**
 * One endpoint of a provider the sandbox imitates: media endpoints in media-routes.ts, Meta's send
 * and upload endpoints in meta-send-routes.ts, Whapi's in whapi-send-routes.ts.
 */
export interface SandboxRoute {
  /** Stable name, also used to target faults and to label recorded requests (e.g. 'meta-media-lookup'). */
  name: string;
  method: string;
  /** Matched against the path only, with named groups for the parameters. */
  pattern: RegExp;
  handle(request: SandboxRequest): Promise<void> | void;
}

export interface RouteMatch {
  route: SandboxRoute;
  params: Record<string, string>;
}

export const matchRoute = (routes: readonly SandboxRoute[], method: string, pathname: string): RouteMatch | undefined => {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match === null) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        params[name] = value;
      }
    }
    return { route, params };
  }
  return undefined;
};

export const bearerOf = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
};
