import { MalformedEventError } from '@wagw/core/errors';
import { parseStatusEvent } from '../../src/parse-status-event';
import { metaReceipt, sendResult, sentOutcome } from '../support/builders';

const parseError = (body: string): unknown => {
  try {
    parseStatusEvent(body);
  } catch (error) {
    return error;
  }
  throw new Error('expected the body to be refused');
};

describe('parseStatusEvent', () => {
  it('reads a receipt and a send result as their contracts', () => {
    const receipt = metaReceipt('tenant-a');
    const result = sendResult({ tenantId: 'tenant-a', rowId: '1' }, sentOutcome('wamid.X'));

    expect(parseStatusEvent(JSON.stringify(receipt))).toEqual(receipt);
    expect(parseStatusEvent(JSON.stringify(result))).toEqual(result);
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['an unknown schema', JSON.stringify({ schema: 'receipt.v9', tenantId: 'tenant-a' })],
    ['a send result without its attempt', JSON.stringify({ ...sendResult({ tenantId: 't', rowId: '1' }, sentOutcome('w')), attempt: undefined })],
    ['a send result with a row id that is not a number', JSON.stringify(sendResult({ tenantId: 't', rowId: 'abc' }, sentOutcome('w')))],
  ])('refuses %s with a non-retryable EVENT_MALFORMED', (_name, body) => {
    const error = parseError(body);

    expect(error).toBeInstanceOf(MalformedEventError);
    expect(error).toMatchObject({ code: 'EVENT_MALFORMED', retryable: false });
  });

  it('names the bad paths but never the values', () => {
    const body = JSON.stringify({ ...metaReceipt('tenant-a'), status: '', item: 'customer secret text' });

    const error = parseError(body) as MalformedEventError;

    expect(error.message).not.toContain('customer secret text');
  });
});
