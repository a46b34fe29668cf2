import { InterfaceVpcEndpoint, InterfaceVpcEndpointAwsService, Peer, Port, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { VpcSettings } from './stage-config';

/** What a function needs to run in the VPC (spread into its props). */
export interface VpcPlacement {
  vpc: IVpc;
  vpcSubnets: SubnetSelection;
  securityGroups: ISecurityGroup[];
}

/**
 * The AWS APIs the VPC-placed functions call themselves: SQS (publish, change visibility) and Lambda
 * (invoke the broker; the collector invokes itself). Their queue events arrive from the Lambda service,
 * outside the VPC, so no endpoint is needed for receiving.
 */
export const VPC_ENDPOINT_SERVICES = { Sqs: InterfaceVpcEndpointAwsService.SQS, Lambda: InterfaceVpcEndpointAwsService.LAMBDA } as const;

/**
 * An existing VPC's subnets and security groups, by id (no lookup, so synth stays offline), and, when
 * the stage asks for it, interface endpoints for SQS and Lambda in those subnets, reachable on 443 from
 * the functions' security groups only. Without endpoints the subnets need a route to a NAT gateway.
 */
export class VpcAccess extends Construct {
  readonly placement: VpcPlacement;

  constructor(scope: Construct, id: string, settings: VpcSettings) {
    super(scope, id);
    const { vpcId, subnetIds, availabilityZones } = settings;
    if (availabilityZones.length !== subnetIds.length) throw new Error(`vpc: give one availability zone per subnet (${subnetIds.length} subnets, ${availabilityZones.length} zones)`);
    const vpc = Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones: [...new Set(availabilityZones)] });
    const subnets = subnetIds.map((subnetId, index) => Subnet.fromSubnetAttributes(this, `Subnet${index}`, { subnetId, availabilityZone: availabilityZones[index]! }));
    const securityGroups = settings.securityGroupIds.map((groupId, index) => SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${index}`, groupId, { mutable: false }));
    this.placement = { vpc, vpcSubnets: { subnets }, securityGroups };
    if (settings.createEndpoints) this.addEndpoints(vpc, subnets, settings.securityGroupIds);
  }

  private addEndpoints(vpc: IVpc, subnets: SubnetSelection['subnets'], functionGroupIds: readonly string[]): void {
    const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'Interface endpoints of the gateway: HTTPS from the gateway functions only',
      allowAllOutbound: false,
    });
    for (const groupId of functionGroupIds) endpointGroup.addIngressRule(Peer.securityGroupId(groupId), Port.tcp(443), 'HTTPS from the gateway functions');
    for (const [name, service] of Object.entries(VPC_ENDPOINT_SERVICES)) {
      new InterfaceVpcEndpoint(this, `${name}Endpoint`, { vpc, service, subnets: { subnets }, securityGroups: [endpointGroup], privateDnsEnabled: true, open: false });
    }
  }
}
