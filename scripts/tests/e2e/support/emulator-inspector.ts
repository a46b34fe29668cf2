import { HeadObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface QueueDepth {
  visible: number;
  inFlight: number;
}

export interface StoredObject {
  contentType: string | undefined;
  bytes: Uint8Array;
}

/** Read-only views of the emulator's bucket and queues, for assertions. */
export class EmulatorInspector {
  readonly s3: S3Client;
  readonly sqs: SQSClient;

  constructor(
    endpoint: string,
    private readonly bucket: string,
  ) {
    this.s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
    this.sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  }

  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((item) => (item.Key === undefined ? [] : [item.Key])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  async getObject(key: string): Promise<StoredObject> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const bytes = object.Body === undefined ? new Uint8Array() : await object.Body.transformToByteArray();
    return { contentType: head.ContentType, bytes };
  }

  async queueDepth(queueUrl: string): Promise<QueueDepth> {
    const { Attributes: attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /**
   * Looks at a queue's visible messages without consuming them: they are received with a zero
   * visibility timeout, so they are visible again at once.
   */
  async peek(queueUrl: string): Promise<Message[]> {
    const { Messages: messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return messages;
  }

  destroy(): void {
    this.s3.destroy();
    this.sqs.destroy();
  }
}
