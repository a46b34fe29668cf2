import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MalformedEventError } from '@wagw/core/errors';
import { parseInboundEvent } from '../../src/parse-inbound-event';

const contractFixture = (name: string): string =>
  readFileSync(path.resolve(__dirname, '../../../../packages/contracts/tests/fixtures', name), 'utf8');

describe('parseInboundEvent', () => {
  it('reads an inbound message event of the versioned contract', () => {
    const event = parseInboundEvent(contractFixture('inbound-message.v1.json'));

    expect(event).toMatchObject({ schema: 'inbound-message.v1', tenantId: 'acme', providerMessageId: 'wamid.TEST-IN-TEXT-0001' });
  });

  it('reads a media result event of the versioned contract', () => {
    const event = parseInboundEvent(contractFixture('media-result.v1.json'));

    expect(event).toMatchObject({ schema: 'media-result.v1', outcome: { status: 'stored' } });
  });

  it('rejects a body that is not JSON as a malformed event', () => {
    expect(() => parseInboundEvent('{"schema":')).toThrow(MalformedEventError);
  });

  it('rejects an unknown schema, naming the problem but no value', () => {
    const body = JSON.stringify({ schema: 'inbound-message.v9', tenantId: 'secret-looking-value' });

    const parse = () => parseInboundEvent(body);

    expect(parse).toThrow(MalformedEventError);
    expect(parse).toThrow(/schema/);
    expect(parse).not.toThrow(/secret-looking-value/);
  });

  it('rejects a message event without its tenant', () => {
    const event = JSON.parse(contractFixture('inbound-message.v1.json')) as Record<string, unknown>;
    delete event.tenantId;

    expect(() => parseInboundEvent(JSON.stringify(event))).toThrow(/tenantId/);
  });
});
