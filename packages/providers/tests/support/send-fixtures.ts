import { fixtureJson } from './fixtures';

type Body = Record<string, unknown>;

/** The recorded Cloud API send bodies, keyed by fixture name (mark-as-read entries left out: not messages). */
export const metaSendRequests = (): Record<string, Body> =>
  Object.fromEntries(Object.entries(fixtureJson<Record<string, Body>>('meta-send-requests.json')).filter(([, body]) => body.type !== undefined));

/** A Cloud API request body as a row's `message`: without messaging_product, to and recipient_type. */
export const asRowMessage = ({ messaging_product: _product, to: _to, recipient_type: _recipientType, ...message }: Body): Body => message;

/** The row messages of every recorded Cloud API send body, as [name, message] pairs. */
export const rowMessages = (): Array<[string, Body]> => Object.entries(metaSendRequests()).map(([name, body]) => [name, asRowMessage(body)]);

export const whapiSendRequests = (): Record<string, Body> => fixtureJson<Record<string, Body>>('whapi-send-requests.json');
