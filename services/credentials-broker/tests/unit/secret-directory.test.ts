import { SecretDirectory } from '../../src/secret-directory';
import { acmeTenant, appSecret, globexTenant, metaApp, tenantSecret } from '../support/records';

describe('SecretDirectory with Meta apps that share a secret', () => {
  const shared = 'app-secret-value-1';

  it('reports two apps with the same secret as a record problem naming both records, never the secret', () => {
    // Prepare
    const records = [
      appSecret(metaApp({ appId: 'app-1', appSecret: shared })),
      appSecret(metaApp({ appId: 'app-2', appSecret: shared, verifyToken: 'verify-token-value-2' })),
      appSecret(metaApp({ appId: 'app-3', appSecret: 'app-secret-value-3' })),
    ];

    // Act
    const directory = new SecretDirectory(records);

    // Assert
    expect(directory.problems).toEqual([
      {
        recordName: 'wagw/meta-apps/app-1, wagw/meta-apps/app-2',
        problem: 'Meta apps app-1, app-2 share one app secret, so a webhook signature cannot tell which of them sent it',
      },
    ]);
    expect(JSON.stringify(directory.problems)).not.toContain(shared);
  });

  it('keeps serving both apps, the other apps and their channels', () => {
    // Prepare
    const records = [
      appSecret(metaApp({ appId: 'app-1', appSecret: shared })),
      appSecret(metaApp({ appId: 'app-2', appSecret: shared })),
      appSecret(metaApp({ appId: 'app-3', appSecret: 'app-secret-value-3' })),
      tenantSecret(acmeTenant()),
      tenantSecret(globexTenant()),
    ];

    // Act
    const directory = new SecretDirectory(records);

    // Assert
    expect(directory.listMetaApps().map((app) => app.appId)).toEqual(['app-1', 'app-2', 'app-3']);
    expect(directory.resolveChannel('meta', '1110001')).toMatchObject({ tenantId: 'acme', metaAppId: 'app-1' });
    expect(directory.resolveChannel('meta', '2220002')).toMatchObject({ tenantId: 'globex', metaAppId: 'app-2' });
  });

  it('reports nothing when every app has its own secret', () => {
    const directory = new SecretDirectory([
      appSecret(metaApp({ appId: 'app-1' })),
      appSecret(metaApp({ appId: 'app-2', appSecret: 'app-secret-value-2' })),
    ]);

    expect(directory.problems).toEqual([]);
  });
});
