import type { InboundMessageEventV1, Provider } from '@wagw/contracts';
import { normalizeMetaMessage } from '@wagw/providers/meta/normalize-message';
import type { NormalizedMessage } from '@wagw/providers/normalized-message';
import { normalizeWhapiMessage } from '@wagw/providers/whapi/normalize-message';

type Normalizer = (event: InboundMessageEventV1) => NormalizedMessage;

/** One line per provider. */
const NORMALIZERS: Record<Provider, Normalizer> = {
  meta: (event) => normalizeMetaMessage(event.item, event.contact),
  whapi: (event) => normalizeWhapiMessage(event.item),
};

export const normalizeInboundItem = (event: InboundMessageEventV1): NormalizedMessage => NORMALIZERS[event.provider](event);
