/**
 * The custom domain of an `AWS::Serverless::WebSocketApi` (`Domain`), expanded as SAM's
 * translator expands it (`model/api/apiv2_generator.py` `_construct_api_domain`): the DomainName,
 * its ApiMappings and the Route 53 record sets, with SAM's hashed logical ids. The twin serves on
 * its own host and port, so these are generated for fidelity only: nothing local reads them.
 */
import { createHash } from 'node:crypto';
import type { Json } from './sam-transform.js';
import type { Resource } from './template.js';

/** SAM's LogicalIdGenerator: a string as it is, anything else as compact JSON with sorted keys; SHA-1, 10 hex digits. */
function hashOf(data: Json): string {
  const sorted = (value: Json): Json =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, sorted(value[key])]),
          )
        : value;
  const text =
    typeof data === 'string'
      ? data
      : JSON.stringify(sorted(data)).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 10);
}

/**
 * The resources SAM generates for `domain` (already checked: DomainName and CertificateArn set, no
 * mutual TLS); the mappings name the generated stage, as SAM resolves their `<Api>.Stage`.
 */
export function expandDomain(apiId: string, stageId: string, domain: Record<string, Json>, invalid: (message: string) => Error): Record<string, Resource> {
  const out: Record<string, Resource> = {};
  const domainId = `ApiGatewayDomainNameV2${hashOf(domain.DomainName)}`;
  const endpoint = domain.EndpointConfiguration ?? 'REGIONAL';
  if (endpoint !== 'REGIONAL') throw invalid(`EndpointConfiguration for Custom Domains must be one of ['REGIONAL'].`);
  const configuration: Record<string, Json> = { CertificateArn: domain.CertificateArn, EndpointType: endpoint };
  if (domain.OwnershipVerificationCertificateArn) configuration.OwnershipVerificationCertificateArn = domain.OwnershipVerificationCertificateArn;
  if (domain.SecurityPolicy) configuration.SecurityPolicy = domain.SecurityPolicy;
  out[domainId] = {
    Type: 'AWS::ApiGatewayV2::DomainName',
    Properties: { DomainName: domain.DomainName, DomainNameConfigurations: [configuration], Tags: { 'websocketapi:createdBy': 'SAM' } },
  };
  const basePaths: Json[] | undefined =
    typeof domain.BasePath === 'string' && domain.BasePath
      ? [domain.BasePath]
      : Array.isArray(domain.BasePath) && domain.BasePath.length
        ? domain.BasePath
        : undefined;
  const mapping = (extra: Record<string, Json>) => ({
    Type: 'AWS::ApiGatewayV2::ApiMapping',
    Properties: { ApiId: { Ref: apiId }, DomainName: { Ref: domainId }, Stage: { Ref: stageId }, ...extra },
  });
  if (!basePaths) out[`${apiId}ApiMapping`] = mapping({});
  for (const path of basePaths ?? []) {
    if (typeof path !== 'string') throw invalid('Basepath must be a string.');
    if (/[^0-9a-zA-Z/\-_]+/.test(path)) throw invalid('Invalid Basepath name provided.');
    out[`${apiId}${path.replace(/[-_/]+/g, '')}ApiMapping`] = mapping({ ApiMappingKey: path.replace(/^\/+|\/+$/g, '') });
  }
  const route53: Record<string, Json> | undefined = domain.Route53;
  if (route53 !== undefined) {
    if (!route53 || typeof route53 !== 'object' || Array.isArray(route53)) throw invalid("Property 'Domain.Route53' should be a map.");
    const zone = route53.HostedZoneId ?? route53.HostedZoneName;
    if (zone === undefined || zone === null) throw invalid('HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.');
    const recordSet = (type: string) => ({
      Name: domain.DomainName,
      Type: type,
      AliasTarget: {
        ...(route53.EvaluateTargetHealth === undefined ? {} : { EvaluateTargetHealth: route53.EvaluateTargetHealth }),
        HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
        DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      },
      ...(route53.Region === undefined ? {} : { Region: route53.Region }),
      ...(route53.SetIdentifier === undefined ? {} : { SetIdentifier: route53.SetIdentifier }),
    });
    out[`RecordSetGroup${hashOf(zone)}`] = {
      Type: 'AWS::Route53::RecordSetGroup',
      Properties: {
        ...('HostedZoneId' in route53 ? { HostedZoneId: route53.HostedZoneId } : { HostedZoneName: route53.HostedZoneName }),
        RecordSets: route53.IpV6 === true ? [recordSet('A'), recordSet('AAAA')] : [recordSet('A')],
      },
    };
  }
  return out;
}
