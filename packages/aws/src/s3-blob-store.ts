import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobPutOptions, BlobStore, StoredBlob } from '@wagw/core/ports';
import { BlobStoreError } from './errors';

const isMissing = (error: unknown): boolean =>
  error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);

/** A missing key, not a missing bucket: a misconfigured bucket must fail loudly, not read as "no such file". */
const isMissingKey = (error: unknown): boolean =>
  isMissing(error) && !(error instanceof S3ServiceException && error.name === 'NoSuchBucket');

const disposition = ({ contentDisposition }: BlobPutOptions): { ContentDisposition?: string } =>
  contentDisposition === undefined ? {} : { ContentDisposition: contentDisposition };

/** An object read only if it is not larger than asked: else just its size, its bytes never read. */
export type BoundedBlob = { outcome: 'read'; blob: StoredBlob } | { outcome: 'too-large'; size: number };

const blobOf = (bytes: Uint8Array, contentType: string | undefined): StoredBlob =>
  contentType === undefined || contentType === '' ? { bytes } : { bytes, contentType };

/** BlobStore over one private S3 bucket; every object is encrypted at rest (SSE-S3). */
export interface S3BlobStoreOptions {
  /** Keys per ListObjectsV2 page; default S3's 1000. */
  listPageSize?: number;
}

export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly options: S3BlobStoreOptions = {},
  ) {}

  async put(key: string, body: Uint8Array | string | Readable, options: BlobPutOptions): Promise<void> {
    try {
      if (body instanceof Readable) {
        // Multipart upload: the stream is never buffered whole (media can be large).
        await new Upload({
          client: this.s3,
          params: {
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType,
            ...disposition(options),
            ServerSideEncryption: 'AES256',
          },
          queueSize: 2,
          leavePartsOnError: false,
        }).done();
        return;
      }
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ...disposition(options),
          ContentLength: options.contentLength ?? (typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength),
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      throw new BlobStoreError('put', key, error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new BlobStoreError('get', key, error);
    }
  }

  /**
   * The object with its content type, or only its size when it is larger than `maxBytes`: the size
   * comes from the GetObject answer's Content-Length, and the body is then dropped unread (so a huge
   * object never lands in memory). One request, so a missing bucket still fails loudly and the size
   * is the size of the object that would have been read.
   */
  async getWithMetadataWithin(key: string, maxBytes: number): Promise<BoundedBlob | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const size = response.ContentLength;
      if (size !== undefined && size > maxBytes) {
        if (response.Body instanceof Readable) response.Body.destroy();
        return { outcome: 'too-large', size };
      }
      const bytes = response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
      // No Content-Length (never from S3, but a proxy could drop it): the bytes read are the size.
      if (bytes.byteLength > maxBytes) return { outcome: 'too-large', size: bytes.byteLength };
      return { outcome: 'read', blob: blobOf(bytes, response.ContentType) };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw new BlobStoreError('get', key, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    try {
      const pagination = { client: this.s3, ...(this.options.listPageSize === undefined ? {} : { pageSize: this.options.listPageSize }) };
      for await (const page of paginateListObjectsV2(pagination, { Bucket: this.bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      }
    } catch (error) {
      throw new BlobStoreError('list', prefix, error);
    }
    return keys;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw new BlobStoreError('delete', key, error);
    }
  }
}
