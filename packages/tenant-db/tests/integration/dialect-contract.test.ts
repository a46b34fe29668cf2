import { TenantDatabaseUnavailableError } from '@wagw/core';
import { createTenantStore } from '../../src/create-tenant-store';
import { TenantRowInvalidError } from '../../src/errors';
import type { TenantStore } from '../../src/tenant-store';
import { describeTarget, dialectTargets, type TargetDatabase } from '../support/dialect-targets';
import { aPendingImageRow, anInboundRow, keyOf } from '../support/inbound-row-builder';

jest.setTimeout(120_000);

const CONTRACT_TABLES = ['wa_inbound_messages', 'wa_outbound_messages', 'wa_status_events', 'wa_schema_migrations'];

const storedMedia = {
  status: 'stored',
  key: 'media/meta/106540352242922/wamid.x.jpg',
  mimeType: 'image/jpeg',
  size: 48213,
  sha256: 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
} as const;

for (const target of dialectTargets) {
  describeTarget(target, 'dialect contract', () => {
    let database: TargetDatabase;
    let store: TenantStore;
    let firstMigration: Awaited<ReturnType<TenantStore['migrate']>>;

    beforeAll(async () => {
      database = await target.create();
      store = await createTenantStore(database.settings, { tenantId: 'tenant-contract' });
      firstMigration = await store.migrate();
    });

    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    describe('migrations', () => {
      it('applies every version to a fresh database', () => {
        expect(firstMigration).toEqual({ applied: [1, 2], latest: 2 });
      });

      it('applies nothing when run again, one after another or concurrently', async () => {
        // Act
        const again = await store.migrate();
        const concurrently = await Promise.all([store.migrate(), store.migrate()]);

        // Assert
        expect(again).toEqual({ applied: [], latest: 2 });
        expect(concurrently).toEqual([
          { applied: [], latest: 2 },
          { applied: [], latest: 2 },
        ]);
        expect(await database.recordedVersions()).toEqual([1, 2]);
      });

      it('creates every contract table exactly once', async () => {
        expect(await database.tableCounts(CONTRACT_TABLES)).toEqual({
          wa_inbound_messages: 1,
          wa_outbound_messages: 1,
          wa_status_events: 1,
          wa_schema_migrations: 1,
        });
      });
    });

    describe('insertInboundMessage', () => {
      it('inserts a message once and reports a repeat as a duplicate with its media status', async () => {
        // Prepare
        const row = aPendingImageRow();

        // Act
        const first = await store.insertInboundMessage(row);
        const second = await store.insertInboundMessage({ ...row, body: 'a redelivery must not overwrite' });

        // Assert
        expect(first).toEqual({ outcome: 'inserted' });
        expect(second).toEqual({ outcome: 'duplicate', mediaStatus: 'pending' });
        const stored = await store.findInboundMessage(keyOf(row));
        expect(stored?.body).toBe('a caption');
      });

      it('round-trips every column, including unicode text, JSON and timestamps', async () => {
        // Prepare
        const row = anInboundRow({
          provider: 'whapi',
          channelId: 'MANTIS-7QX2B',
          fromId: '5511999998888@s.whatsapp.net',
          fromName: 'Zoë 🌸 Ñandú 李',
          type: 'image',
          body: 'Olá 👋🏽 — 你好, ça va? \u{1F600} "quoted" \\ back\nslash',
          replyToId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
          mediaStatus: 'stored',
          mediaKey: storedMedia.key,
          mediaMimeType: storedMedia.mimeType,
          mediaSize: 5_000_000_000,
          mediaSha256: storedMedia.sha256,
          mediaError: null,
          payload: { caption: 'Olá 👋🏽', nested: { list: [1, 2.5, true, null, 'ß'], empty: {} }, n: 0 },
          raw: { id: 'x', image: { id: '99', mime_type: 'image/jpeg' }, emoji: '🇧🇷', unicode: '\u00e9\u0301' },
          sentAt: new Date('2024-02-29T23:59:59.123Z'),
          receivedAt: new Date('2024-03-01T00:00:00.987Z'),
        });

        // Act
        await store.insertInboundMessage(row);
        const stored = await store.findInboundMessage(keyOf(row));

        // Assert
        expect(stored).toEqual({ ...row, id: expect.stringMatching(/^\d+$/) });
      });

      it('keeps absent values as nulls', async () => {
        // Prepare
        const row = anInboundRow({
          type: 'unsupported',
          fromName: null,
          body: null,
          replyToId: null,
          mediaStatus: 'none',
          payload: {},
          raw: { type: 'unsupported' },
        });

        // Act
        await store.insertInboundMessage(row);

        // Assert
        expect(await store.findInboundMessage(keyOf(row))).toEqual({ ...row, id: expect.any(String) });
      });

      it('keeps provider message ids that differ only in letter case apart', async () => {
        // Prepare
        const lower = anInboundRow({ providerMessageId: `wamid.casecheck${Date.now()}abc` });
        const upper = anInboundRow({ providerMessageId: lower.providerMessageId.toUpperCase() });

        // Act
        const outcomes = [await store.insertInboundMessage(lower), await store.insertInboundMessage(upper)];

        // Assert
        expect(outcomes).toEqual([{ outcome: 'inserted' }, { outcome: 'inserted' }]);
        expect((await store.findInboundMessage(keyOf(upper)))?.providerMessageId).toBe(upper.providerMessageId);
      });

      it('stores one row when ten identical inserts race', async () => {
        // Prepare
        const row = aPendingImageRow();

        // Act
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.insertInboundMessage(row)));

        // Assert
        expect(outcomes.filter((outcome) => outcome.outcome === 'inserted')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.outcome === 'duplicate')).toEqual(
          Array.from({ length: 9 }, () => ({ outcome: 'duplicate', mediaStatus: 'pending' })),
        );
        const rows = await store.listInboundMessages({ limit: 100_000 });
        expect(rows.filter((stored) => stored.providerMessageId === row.providerMessageId)).toHaveLength(1);
      });

      it('replaces NUL characters instead of refusing the row', async () => {
        // Prepare
        const row = anInboundRow({ body: 'before\u0000after', raw: { text: { body: 'before\u0000after' } } });

        // Act
        const outcome = await store.insertInboundMessage(row);

        // Assert
        expect(outcome).toEqual({ outcome: 'inserted' });
        const stored = await store.findInboundMessage(keyOf(row));
        expect(stored?.body).toBe('before\uFFFDafter');
        expect(stored?.raw).toEqual({ text: { body: 'before\uFFFDafter' } });
      });

      it('refuses a provider message id wider than its column, as a permanent error', async () => {
        // Prepare
        const row = anInboundRow({ providerMessageId: 'x'.repeat(257) });

        // Act
        const attempt = store.insertInboundMessage(row);

        // Assert
        await expect(attempt).rejects.toBeInstanceOf(TenantRowInvalidError);
        await expect(attempt).rejects.toMatchObject({ code: 'TENANT_ROW_INVALID', retryable: false });
      });
    });

    describe('free-form values wider than their column', () => {
      it('stores a message whose type and content type are too long, cut to their columns', async () => {
        // Prepare
        const row = aPendingImageRow({ type: `interactive_${'t'.repeat(80)}`, mediaMimeType: `image/${'x'.repeat(300)}` });

        // Act
        const outcome = await store.insertInboundMessage(row);

        // Assert
        expect(outcome).toEqual({ outcome: 'inserted' });
        const stored = await store.findInboundMessage(keyOf(row));
        expect(stored?.type).toBe(row.type.slice(0, 64));
        expect(stored?.mediaMimeType).toBe(row.mediaMimeType?.slice(0, 255));
      });

      it('stores media whose content type is too long instead of leaving the row pending', async () => {
        // Prepare
        const row = aPendingImageRow();
        await store.insertInboundMessage(row);

        // Act
        const outcome = await store.applyMediaOutcome(keyOf(row), { ...storedMedia, mimeType: `image/${'y'.repeat(300)}` });

        // Assert
        expect(outcome).toBe('applied');
        const stored = await store.findInboundMessage(keyOf(row));
        expect(stored).toMatchObject({ mediaStatus: 'stored', mediaMimeType: `image/${'y'.repeat(249)}` });
      });
    });

    describe('listInboundMessages', () => {
      it('lists rows oldest first, up to the limit', async () => {
        // Prepare
        const rows = [anInboundRow(), anInboundRow(), anInboundRow()];
        for (const row of rows) await store.insertInboundMessage(row);

        // Act
        const listed = await store.listInboundMessages({ limit: 100_000 });
        const limited = await store.listInboundMessages({ limit: 1 });

        // Assert
        const ours = listed.filter((stored) => rows.some((row) => row.providerMessageId === stored.providerMessageId));
        expect(ours.map((stored) => stored.providerMessageId)).toEqual(rows.map((row) => row.providerMessageId));
        expect(limited).toHaveLength(1);
        expect(limited[0]?.id).toBe(listed[0]?.id);
      });

      it('finds nothing for an unknown key', async () => {
        expect(await store.findInboundMessage(keyOf(anInboundRow()))).toBeUndefined();
      });
    });

    describe('applyMediaOutcome', () => {
      it('moves pending media to stored with its object details', async () => {
        // Prepare
        const row = aPendingImageRow();
        await store.insertInboundMessage(row);

        // Act
        const outcome = await store.applyMediaOutcome(keyOf(row), storedMedia);

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findInboundMessage(keyOf(row))).toMatchObject({
          mediaStatus: 'stored',
          mediaKey: storedMedia.key,
          mediaMimeType: storedMedia.mimeType,
          mediaSize: storedMedia.size,
          mediaSha256: storedMedia.sha256,
          mediaError: null,
        });
        expect(await store.insertInboundMessage(row)).toEqual({ outcome: 'duplicate', mediaStatus: 'stored' });
      });

      it('keeps stored media stored when a late failure arrives', async () => {
        // Prepare
        const row = aPendingImageRow();
        await store.insertInboundMessage(row);
        await store.applyMediaOutcome(keyOf(row), storedMedia);

        // Act
        const outcome = await store.applyMediaOutcome(keyOf(row), {
          status: 'failed',
          code: 'MEDIA_RETRIES_EXHAUSTED',
          reason: 'late',
        });

        // Assert
        expect(outcome).toBe('unchanged');
        expect(await store.findInboundMessage(keyOf(row))).toMatchObject({ mediaStatus: 'stored', mediaError: null });
      });

      it('records why media failed', async () => {
        // Prepare
        const row = aPendingImageRow();
        await store.insertInboundMessage(row);

        // Act
        const outcome = await store.applyMediaOutcome(keyOf(row), {
          status: 'failed',
          code: 'MEDIA_TOO_LARGE',
          reason: 'image is 120 MB; the limit is 5 MB',
        });

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findInboundMessage(keyOf(row))).toMatchObject({
          mediaStatus: 'failed',
          mediaKey: null,
          mediaError: 'MEDIA_TOO_LARGE: image is 120 MB; the limit is 5 MB',
        });
      });

      it('leaves a message without media alone', async () => {
        // Prepare
        const row = anInboundRow({ mediaStatus: 'none' });
        await store.insertInboundMessage(row);

        // Act
        const outcome = await store.applyMediaOutcome(keyOf(row), storedMedia);

        // Assert
        expect(outcome).toBe('unchanged');
        expect((await store.findInboundMessage(keyOf(row)))?.mediaStatus).toBe('none');
      });

      it('reports a message that is not there as missing', async () => {
        expect(await store.applyMediaOutcome(keyOf(anInboundRow()), storedMedia)).toBe('missing');
      });
    });

    describe('an unavailable database', () => {
      it('gives a retryable TenantDatabaseUnavailableError', async () => {
        // Prepare
        const down = await target.unavailableDatabase();

        try {
          // Act
          const attempt = createTenantStore(down.settings, { tenantId: 'tenant-down' }).then(async (unreachable) => {
            try {
              return await unreachable.insertInboundMessage(anInboundRow());
            } finally {
              await unreachable.close();
            }
          });

          // Assert
          await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
          await expect(attempt).rejects.toMatchObject({ code: 'TENANT_DB_UNAVAILABLE', retryable: true });
        } finally {
          await down.cleanup();
        }
      });
    });
  });
}
