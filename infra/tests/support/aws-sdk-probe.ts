import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import type { ReceivedMessage } from '@wagw/aws/sqs-queue-reader';
import { SqsQueueReader } from '@wagw/aws/sqs-queue-reader';

/**
 * A Lambda-shaped entry bundled by tests/integration/aws-sdk-in-bundle.test.ts exactly as the
 * functions are, so that the SDK code loaded only when a call is made (HTTP handlers, signers,
 * protocol serializers, endpoint rules, lib-storage, the credential provider chain) runs from a real
 * bundle. It makes its calls the way the services do: the gateway's clients and adapters for S3 and
 * SQS, and, like the credentials broker, a plain SecretsManagerClient whose credentials and region
 * come from the environment.
 */
export interface AwsSdkProbeRequest {
  /** The emulator (fauxqs), for the S3 and SQS calls. */
  endpoint: string;
  bucket: string;
  key: string;
  /** Size of the streamed upload: above lib-storage's 5 MiB part size, so a multipart upload. */
  streamBytes: number;
  outboundQueueUrl: string;
  messages: { body: string; groupId: string; deduplicationId: string }[];
  /** A server that answers GetSecretValue and records what it was sent. */
  secretsEndpoint: string;
  secretId: string;
}

export type AwsSdkProbeAnswer =
  | {
      ok: true;
      /** sha256 (hex) of the bytes streamed to S3, and of the bytes read back. */
      uploadedSha256: string;
      downloadedSha256: string;
      downloadedBytes: number;
      received: { body: string; groupId: string | undefined; deduplicationId: string | undefined }[];
      secretString: string | undefined;
    }
  | { ok: false; name: string; code: unknown; message: string; cause: string | undefined };

const MIB = 1024 * 1024;

/** `size` random bytes as a stream of 1 MiB chunks, hashed as they are produced. */
const randomStream = (size: number, hash: ReturnType<typeof createHash>): Readable =>
  Readable.from(
    (function* chunks() {
      for (let sent = 0; sent < size; sent += MIB) {
        const chunk = randomBytes(Math.min(MIB, size - sent));
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );

const describeError = (error: unknown): AwsSdkProbeAnswer => {
  const { name, code, message, cause } = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  return { ok: false, name: String(name), code, message: String(message), cause: cause === undefined ? undefined : String(cause) };
};

export const handler = async (request: AwsSdkProbeRequest): Promise<AwsSdkProbeAnswer> => {
  const s3 = createS3Client({ endpoint: request.endpoint });
  const sqs = createSqsClient({ endpoint: request.endpoint });
  const secrets = new SecretsManagerClient({ endpoint: request.secretsEndpoint });
  try {
    // S3: a stream through S3BlobStore is a lib-storage multipart upload; then a GetObject.
    const blobs = new S3BlobStore(s3, request.bucket);
    const uploaded = createHash('sha256');
    await blobs.put(request.key, randomStream(request.streamBytes, uploaded), { contentType: 'video/mp4' });
    const downloaded = (await blobs.get(request.key)) ?? new Uint8Array();

    // SQS: one SendMessageBatch through the publisher, then ReceiveMessage and DeleteMessageBatch.
    await new SqsEventPublisher(sqs, { 'outbound-messages': request.outboundQueueUrl }).publish('outbound-messages', request.messages);
    const reader = new SqsQueueReader(sqs);
    const messages: ReceivedMessage[] = [];
    // Bounded by calls, not time: a FIFO queue may hand out its groups over more than one receive.
    for (let call = 0; call < 5 && messages.length < request.messages.length; call += 1) {
      const batch = await reader.receive(request.outboundQueueUrl, { maxMessages: 10 });
      await reader.deleteBatch(request.outboundQueueUrl, batch.map((message) => message.receiptHandle));
      messages.push(...batch);
    }

    // Secrets Manager, signed with the credentials the SDK's default chain finds in the environment.
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: request.secretId }));

    return {
      ok: true,
      uploadedSha256: uploaded.digest('hex'),
      downloadedSha256: createHash('sha256').update(downloaded).digest('hex'),
      downloadedBytes: downloaded.byteLength,
      received: messages.map(({ body, groupId, deduplicationId }) => ({ body, groupId, deduplicationId })),
      secretString: secret.SecretString,
    };
  } catch (error) {
    return describeError(error);
  } finally {
    s3.destroy();
    sqs.destroy();
    secrets.destroy();
  }
};
