import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface RetrySettings {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/**
 * Shortens a queue's retry cycle (visibility timeout, maxReceiveCount before its DLQ) so a test sees
 * a message dead-lettered in seconds instead of minutes. Local mode's pollers use the queue's own
 * visibility timeout, and the emulator applies the redrive policy, as SQS does.
 */
export const shortenRetries = async (sqs: SQSClient, queueUrl: string, settings: RetrySettings): Promise<void> => {
  const { Attributes: attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const redrive = JSON.parse(attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string };
  if (redrive.deadLetterTargetArn === undefined) throw new Error(`${queueUrl} has no dead-letter queue`);
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: settings.maxReceiveCount }),
      },
    }),
  );
};
