import type { ChannelRecordV1, MediaJobV1 } from '@wagw/contracts';
import { WhapiMediaClient } from '../../../src/whapi/media-client';
import { fakeTransport } from './fake-transport';

const channel: ChannelRecordV1 = {
  provider: 'whapi',
  channelId: 'TESTCH-ABCDE',
  apiToken: 'whapi-token-never-logged',
  webhookSecret: 'whapi-webhook-secret',
  baseUrl: 'https://gate.whapi.cloud',
};

const jobWithLink = (link: string): MediaJobV1 => ({
  schema: 'media-job.v1',
  tenantId: 'acme',
  provider: 'whapi',
  channelId: 'TESTCH-ABCDE',
  providerMessageId: 'TESTMSG-1',
  contactId: '15550001111',
  mimeType: 'image/jpeg',
  kind: 'image',
  link,
});

/** Opens the webhook link with a transport that serves it; answers the authorization header of each request. */
const authorizationSentTo = async (link: string): Promise<(string | undefined)[]> => {
  const { transport, requests } = fakeTransport({ [link]: { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'jpeg' } });
  const client = new WhapiMediaClient({ transport, allowedHosts: ['files.partner.example'] });
  const download = await client.open({ job: jobWithLink(link), channel, maxBytes: 1024 });
  download.body.destroy();
  return requests.map((request) => request.headers.authorization);
};

describe('Whapi media client', () => {
  it('sends the channel token with a link to Whapi\'s media endpoint', async () => {
    expect(await authorizationSentTo('https://gate.whapi.cloud/media/jpeg-TESTMEDIAID0001')).toEqual(['Bearer whapi-token-never-logged']);
  });

  it.each([
    ['another path of the API host', 'https://gate.whapi.cloud/messages/TESTMSG-1'],
    ['a path that only starts like the media endpoint', 'https://gate.whapi.cloud/media-export/x'],
    ['another path of a Whapi subdomain', 'https://cdn.whapi.cloud/files/x.jpeg'],
    ['an allow-listed host outside Whapi', 'https://files.partner.example/media/x.jpeg'],
  ])('sends no token with a link to %s', async (_case, link) => {
    expect(await authorizationSentTo(link)).toEqual([undefined]);
  });
});
