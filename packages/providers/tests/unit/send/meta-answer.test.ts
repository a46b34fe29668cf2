import { classifyMetaAnswer } from '../../../src/send/meta-answer';
import { classifyMetaErrorCode } from '../../../src/send/meta-error-classes';
import { fixtureJson, fixtureNames } from '../../support/fixtures';

const TOKEN = 'EAAG-secret-token';

/** What reference §C3 says to do about each recorded Graph error. */
const EXPECTED_BY_FIXTURE: Record<string, 'permanent' | 'retryable' | 'token-expired'> = {
  'meta-error-4.json': 'retryable',
  'meta-error-100.json': 'permanent',
  'meta-error-130429.json': 'retryable',
  'meta-error-131000.json': 'retryable',
  'meta-error-131047.json': 'permanent',
  'meta-error-131053.json': 'permanent',
  'meta-error-132001.json': 'permanent',
  'meta-error-190.json': 'token-expired',
  'meta-error-368.json': 'permanent',
};

describe('classifyMetaAnswer: recorded Graph errors', () => {
  const fixtures = fixtureNames(/^meta-error-.*\.json$/);

  it('has an expectation for every recorded Graph error fixture', () => {
    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED_BY_FIXTURE).sort());
  });

  it.each(fixtures)('classifies %s by its code, whatever the HTTP status', (name) => {
    // Prepare
    const body = fixtureJson<{ error: { code: number; fbtrace_id: string } }>(name);
    const expected = EXPECTED_BY_FIXTURE[name];

    // Act
    const results = [400, 403, 429, 500, 503].map((status) => classifyMetaAnswer(status, body, 'message', TOKEN));

    // Assert
    for (const result of results) {
      expect(result).toMatchObject({ outcome: 'rejected', code: String(body.error.code), retry: expected, traceId: body.error.fbtrace_id });
    }
  });

  it('says the code once, then the title and the details', () => {
    const result = classifyMetaAnswer(400, fixtureJson('meta-error-131047.json'), 'message', TOKEN);

    expect(result).toMatchObject({
      message:
        '131047: Re-engagement message (Message failed to send because more than 24 hours have passed since the customer last replied to this number.)',
    });
  });

  it('keeps a message without a code prefix or details as it is', () => {
    const result = classifyMetaAnswer(401, fixtureJson('meta-error-190.json'), 'message', TOKEN);

    expect(result).toMatchObject({ message: expect.stringMatching(/^190: Error validating access token: Session has expired/) });
  });

  it('never repeats the token, even when the provider echoes it', () => {
    const body = { error: { code: 190, message: `Invalid OAuth access token - Cannot parse access token ${TOKEN}`, fbtrace_id: 'T' } };

    const result = classifyMetaAnswer(401, body, 'message', TOKEN);

    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(result).toMatchObject({ message: '190: Invalid OAuth access token - Cannot parse access token [redacted]' });
  });
});

describe('classifyMetaAnswer: the §C3 code table', () => {
  it.each([4, 80007, 130429, 131000, 131016, 2, 133004, 131057, 131056])('retries code %i', (code) => {
    expect(classifyMetaAnswer(400, { error: { code, message: 'x' } }, 'message', TOKEN)).toMatchObject({ retry: 'retryable' });
  });

  it.each([190, 0])('refreshes the token on code %i', (code) => {
    expect(classifyMetaAnswer(401, { error: { code, message: 'x' } }, 'message', TOKEN)).toMatchObject({ retry: 'token-expired' });
  });

  it.each([131047, 131026, 131049, 131048, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 100, 131008, 131009, 131051, 131053, 368, 3, 10, 200, 250, 299, 131005, 131021, 131031, 131042, 133010, 130497])(
    'fails code %i for good',
    (code) => {
      expect(classifyMetaAnswer(400, { error: { code, message: 'x' } }, 'message', TOKEN)).toMatchObject({ retry: 'permanent' });
    },
  );

  it('fails a code nobody listed for good, even on HTTP 503', () => {
    expect(classifyMetaAnswer(503, { error: { code: 987654, message: 'new' } }, 'message', TOKEN)).toMatchObject({ code: '987654', retry: 'permanent' });
  });

  it('waits at least 6 s before retrying a pair rate limit (131056)', () => {
    expect(classifyMetaErrorCode(131056)).toEqual({ retry: 'retryable', minDelaySeconds: 6 });
    expect(classifyMetaErrorCode(130429)).toEqual({ retry: 'retryable' });
  });
});

describe('classifyMetaAnswer: answers without a Graph error body', () => {
  it.each([
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [429, 'retryable'],
    [401, 'token-expired'],
    [400, 'permanent'],
    [404, 'permanent'],
    [302, 'permanent'],
  ])('classifies a bare HTTP %i as %s', (status, retry) => {
    expect(classifyMetaAnswer(status, '<html>Bad Gateway</html>', 'message', TOKEN)).toEqual({
      outcome: 'rejected',
      code: `HTTP_${status}`,
      message: `HTTP_${status}: Graph API answered HTTP ${status} without an error body`,
      retry,
    });
  });
});

describe('classifyMetaAnswer: success', () => {
  it('takes the wamid of a recorded send answer', () => {
    expect(classifyMetaAnswer(200, fixtureJson('meta-send-response.json'), 'message', TOKEN)).toEqual({
      outcome: 'accepted',
      providerMessageId: 'wamid.TEST-OUT-TEXT-0001',
    });
  });

  it('keeps the pacing status of a template answer', () => {
    expect(classifyMetaAnswer(200, fixtureJson('meta-send-response-template-paced.json'), 'message', TOKEN)).toEqual({
      outcome: 'accepted',
      providerMessageId: 'wamid.TEST-OUT-TEMPLATE-0001',
      messageStatus: 'accepted',
    });
  });

  it('takes the media id of a recorded upload answer', () => {
    expect(classifyMetaAnswer(200, fixtureJson('meta-media-upload-response.json'), 'media', TOKEN)).toEqual({
      outcome: 'accepted',
      providerMessageId: '500000000000099',
    });
  });

  it('calls a 200 without a message id an unknown outcome, not a failure to resend', () => {
    expect(classifyMetaAnswer(200, { messaging_product: 'whatsapp' }, 'message', TOKEN)).toMatchObject({
      outcome: 'unknown',
      code: 'SEND_OUTCOME_UNKNOWN',
    });
  });

  it('retries an upload whose 200 carries no media id', () => {
    expect(classifyMetaAnswer(200, {}, 'media', TOKEN)).toMatchObject({ outcome: 'rejected', code: 'UPLOAD_ANSWER_INVALID', retry: 'retryable' });
  });
});
