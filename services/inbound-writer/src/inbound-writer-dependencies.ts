import type { Clock, EventPublisher, TenantStores } from '@wagw/core/ports';

/** The ports the inbound-writer's use cases need (real adapters in dependencies.ts, fakes in tests). */
export interface InboundWriterDependencies {
  stores: TenantStores;
  publisher: EventPublisher;
  clock: Clock;
}
