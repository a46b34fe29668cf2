import { classifyWhapiAnswer } from '../../../src/send/whapi-answer';
import { fixtureJson } from '../../support/fixtures';

const TOKEN = 'whapi-secret-token';

describe('classifyWhapiAnswer', () => {
  it('takes the message id of a recorded send answer', () => {
    expect(classifyWhapiAnswer(200, fixtureJson('whapi-send-response.json'), { kind: 'message' }, TOKEN)).toEqual({
      outcome: 'accepted',
      providerMessageId: 'TestWhapiOutId0003-xyz',
    });
  });

  it('takes the media id of a recorded upload answer', () => {
    expect(classifyWhapiAnswer(200, fixtureJson('whapi-media-upload-response.json'), { kind: 'media' }, TOKEN)).toEqual({
      outcome: 'accepted',
      providerMessageId: 'pdf-TESTMEDIAID0002',
    });
  });

  it('gives each accepted reaction an id of its own, naming the message it reacts to', () => {
    const first = classifyWhapiAnswer(200, { success: true }, { kind: 'reaction', targetId: 'TestWhapiMsgId0001-abc' }, TOKEN);
    const second = classifyWhapiAnswer(200, { success: true }, { kind: 'reaction', targetId: 'TestWhapiMsgId0001-abc' }, TOKEN);

    expect(first).toMatchObject({ outcome: 'accepted', providerMessageId: expect.stringMatching(/^reaction:TestWhapiMsgId0001-abc:/) });
    expect(second).not.toEqual(first);
  });

  it('fails a recorded Bad Request for good, with code, message and details', () => {
    expect(classifyWhapiAnswer(400, fixtureJson('whapi-error-response.json'), { kind: 'message' }, TOKEN)).toEqual({
      outcome: 'rejected',
      code: '400',
      message: "400: Bad Request (Invalid 'to' parameter)",
      retry: 'permanent',
    });
  });

  it.each([
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [401, 'token-expired'],
    [400, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
  ])('classifies an error envelope on HTTP %i as %s', (status, retry) => {
    const body = { error: { code: status, message: 'error', details: 'something' } };

    expect(classifyWhapiAnswer(status, body, { kind: 'message' }, TOKEN)).toMatchObject({ code: String(status), retry });
  });

  it('names the HTTP status when there is no error envelope', () => {
    expect(classifyWhapiAnswer(502, '<html>bad gateway</html>', { kind: 'message' }, TOKEN)).toEqual({
      outcome: 'rejected',
      code: 'HTTP_502',
      message: 'HTTP_502: Whapi answered HTTP 502 without an error body',
      retry: 'retryable',
    });
  });

  it('fails a send Whapi answered with sent: false', () => {
    expect(classifyWhapiAnswer(200, { sent: false }, { kind: 'message' }, TOKEN)).toMatchObject({ code: 'WHAPI_NOT_SENT', retry: 'permanent' });
  });

  it('calls a 200 without a message id an unknown outcome', () => {
    expect(classifyWhapiAnswer(200, { sent: true }, { kind: 'message' }, TOKEN)).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
  });

  it('never repeats the token of the channel', () => {
    const body = { error: { code: 401, message: `token ${TOKEN} is invalid`, details: `Bearer ${TOKEN}` } };

    const result = classifyWhapiAnswer(401, body, { kind: 'message' }, TOKEN);

    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});
