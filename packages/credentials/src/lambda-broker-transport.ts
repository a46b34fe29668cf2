import type { LambdaClient } from '@aws-sdk/client-lambda';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { BrokerRequestV1 } from '@wagw/contracts';
import { BrokerResponseV1 } from '@wagw/contracts';
import { CredentialsUnavailableError } from '@wagw/core/errors';
import type { BrokerTransport } from './broker-transport';
import { errorName } from '@wagw/core/errors';


/** Asks the broker through Lambda Invoke (RequestResponse); local mode serves the same API on a local port. */
export class LambdaBrokerTransport implements BrokerTransport {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invoke(request: BrokerRequestV1): Promise<BrokerResponseV1> {
    let output;
    try {
      output = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
    } catch (error) {
      throw new CredentialsUnavailableError(`credentials broker ${this.functionName} could not be invoked (${errorName(error)})`, error);
    }
    // A function error's payload is the broker's raw exception text: it is not passed on.
    if (output.FunctionError !== undefined) {
      throw new CredentialsUnavailableError(`credentials broker ${this.functionName} failed (${output.FunctionError})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(output.Payload ?? new Uint8Array()));
    } catch {
      throw new CredentialsUnavailableError(`credentials broker ${this.functionName} answered with something that is not JSON`);
    }
    const parsed = BrokerResponseV1.safeParse(body);
    if (!parsed.success) {
      throw new CredentialsUnavailableError(`credentials broker ${this.functionName} answered with something that is not a broker response`);
    }
    return parsed.data;
  }
}
