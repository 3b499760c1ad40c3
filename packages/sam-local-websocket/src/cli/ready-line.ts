/**
 * The machine-readable line the command prints once the gateway listens (`--ready-json`): one
 * line of JSON on stdout, before the banner, so that scripts and tests learn the ports and URLs
 * without reading the banner's human lines.
 */
import type { Gateway } from '../stack/gateway.js';

/** What the ready line holds: where everything answers, and which process serves it. */
export interface ReadyFacts {
  event: 'ready';
  /** The process serving the gateway (a signal to it stops the gateway). */
  pid: number;
  /** `ws://127.0.0.1:{port}/{stage}` */
  url: string;
  port: number;
  stage: string;
  /** `http://127.0.0.1:{port}/{stage}`: `@connections` (`ApiGatewayManagementApiClient`'s endpoint). */
  managementEndpoint: string;
  /** `http://127.0.0.1:{port}`: the Lambda Invoke API (`AWS_ENDPOINT_URL_LAMBDA`). */
  lambdaEndpoint: string;
  /** `http://127.0.0.1:{port}/`: the page, when one is served (`--page`). */
  pageUrl?: string;
  /** `http://127.0.0.1:{dbPort}`: the local DynamoDB. */
  dbEndpoint: string;
  dbPort: number;
  /** Local table names by logical id. */
  tables: Record<string, string>;
  /** With `--auth jwt`: the local issuer's URL. */
  issuerUrl?: string;
}

/** The ready facts of a running gateway. */
export function readyFacts(gateway: Gateway, options: { page?: string }, pid: number = process.pid): ReadyFacts {
  return {
    event: 'ready',
    pid,
    url: gateway.url,
    port: gateway.port,
    stage: gateway.stage,
    managementEndpoint: gateway.managementEndpoint,
    lambdaEndpoint: new URL(gateway.managementEndpoint).origin,
    ...(options.page === undefined ? {} : { pageUrl: gateway.pageUrl }),
    dbEndpoint: gateway.dbEndpoint,
    dbPort: Number(new URL(gateway.dbEndpoint).port),
    tables: gateway.tables,
    ...(gateway.issuer ? { issuerUrl: gateway.issuer.url } : {}),
  };
}

/** The ready line: {@link ReadyFacts} as one line of JSON. */
export const readyLine = (facts: ReadyFacts): string => JSON.stringify(facts);

/** Finds the ready line among a process's stdout lines (what a script reading `--ready-json` does). */
export function parseReadyLine(line: string): ReadyFacts | undefined {
  if (!line.startsWith('{"event":"ready"')) return undefined;
  try {
    return JSON.parse(line) as ReadyFacts;
  } catch {
    return undefined;
  }
}
