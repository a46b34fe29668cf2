import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  /** A custom endpoint (fauxqs, the local Lambda invoke server); unset in AWS. */
  endpoint?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Overrides the per-client default number of attempts (first try included). */
  maxAttempts?: number;
  /** Explicit credentials; default: the SDK's provider chain (or placeholders for a loopback endpoint). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const DEFAULT_REGION = 'us-east-1';

/**
 * Keep-alive agents so warm Lambdas reuse TLS connections. Timeouts bound a stuck call well below
 * the function timeout, so the SDK's retry can still run.
 */
const requestHandler = (requestTimeout: number) => ({
  connectionTimeout: 3_000,
  requestTimeout,
  httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
  httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const isLoopback = (endpoint: string): boolean => {
  try {
    return LOOPBACK_HOSTS.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
};

// Local emulators accept any signature, but the SDK needs something to sign with; a machine without
// an AWS profile would otherwise fail (slowly, via the instance metadata lookup).
const credentialsFor = (options: AwsClientOptions) => {
  if (options.credentials !== undefined) return { credentials: options.credentials };
  if (options.endpoint !== undefined && isLoopback(options.endpoint)) {
    return { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  }
  return {};
};

const base = (options: AwsClientOptions, defaultAttempts: number) => ({
  region: options.region ?? DEFAULT_REGION,
  maxAttempts: options.maxAttempts ?? defaultAttempts,
  ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
});

export const createSqsClient = (options: AwsClientOptions = {}): SQSClient =>
  new SQSClient({
    ...base(options, 4),
    ...credentialsFor(options),
    requestHandler: requestHandler(10_000),
  });

export const createS3Client = (options: AwsClientOptions = {}): S3Client =>
  new S3Client({
    ...base(options, 4),
    ...credentialsFor(options),
    // fauxqs (and other emulators) serve buckets by path, not by virtual host.
    forcePathStyle: options.endpoint !== undefined,
    requestHandler: requestHandler(30_000),
  });

export const createLambdaClient = (options: AwsClientOptions = {}): LambdaClient =>
  new LambdaClient({
    ...base(options, 3),
    ...credentialsFor(options),
    requestHandler: requestHandler(15_000),
  });
