import { S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';

// Plain SDK clients: this package sits below @wagw/aws (whose tests use it), so it cannot use its adapters.
const local = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

export const localSqs = (endpoint: string): SQSClient => new SQSClient(local(endpoint));

export const localS3 = (endpoint: string): S3Client => new S3Client({ ...local(endpoint), forcePathStyle: true });

export const queueAttributes = async (sqs: SQSClient, queueUrl: string): Promise<Record<string, string>> =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};

export const queueCounts = async (sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> => {
  const attributes = await queueAttributes(sqs, queueUrl);
  return {
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
};

export const sendFifo = async (sqs: SQSClient, queueUrl: string, message: { body: string; groupId: string; deduplicationId: string }): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.body, MessageGroupId: message.groupId, MessageDeduplicationId: message.deduplicationId }),
  );
};

export const receive = async (sqs: SQSClient, queueUrl: string, options: { visibilityTimeout?: number } = {}): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        ...(options.visibilityTimeout === undefined ? {} : { VisibilityTimeout: options.visibilityTimeout }),
      }),
    )
  ).Messages ?? [];
