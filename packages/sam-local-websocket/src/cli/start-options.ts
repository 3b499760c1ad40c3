import { dirname, resolve } from 'node:path';
/**
 * The start command's flags: the help text and the reading of the command line, apart from
 * the command (start.ts) so reading them starts nothing.
 */
import { parseArgs } from 'node:util';
import { OptionError } from '../errors.js';
import { DEFAULT_FAULTS, FAILURE_STATUSES, type ConnectionsFaults } from '../api-gateway/faults.js';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../stack/options.js';
import { IAM_MODES, type IamMode } from '../iam/constants.js';
import { samconfigRegion } from '../template/parameters.js';
import { envVarsFile, parameterOverrides, takeParameterOverrides, templateParameters, wholeNumber } from './flags.js';

const D = DEFAULT_GATEWAY_OPTIONS;

/** The start command's help text: every default is read from the gateway's own defaults, never restated. */
export const CLI_HELP = `Usage: sam-local-websocket [options]
       sam-local-websocket invoke FUNCTION [-e EVENT.json] [options]   (invoke --help)
       sam-local-websocket token --sub NAME [options]                  (token --help)

Runs the WebSocket API of a SAM template locally: its functions, bundled as sam build
bundles them, behind a gateway that behaves like API Gateway, with a local DynamoDB.

Options:
  --port N              WebSocket and @connections port (default ${D.port}; env PORT)
  --host ADDR           address to listen on (default ${D.host})
  --stage NAME          stage path (default: the StageName of the API's Stage resource,
                        else the template's StageName parameter, else dev)
  --db-port N           local DynamoDB port (default ${D.dbPort}; env DB_PORT)
  --db-path DIR         keep the tables in DIR across restarts (default: in memory)
  --template FILE       SAM template (default ${D.template})
  --page DIR            serve the page in DIR at / (index.html, style.css, and app.ts,
                        bundled into app.js; the gateway's ws:// URL is filled into its
                        <meta name="websocket-url">), e.g. a try-it page (default: none)
  --parameter K=V       template parameter value (repeatable), e.g. StageName=prod
  --parameter-overrides K=V [K=V ...]
                        parameter values as sam deploy takes them (also
                        ParameterKey=K,ParameterValue=V); over samconfig.toml's
                        parameter_overrides, under --parameter. A parameter with
                        no Default and no value is refused
  --env-vars FILE       environment overrides, as sam local invoke --env-vars takes them:
                        {"Parameters": {...all functions}, "MyFunction": {...}};
                        only variables a function declares are applied, as in SAM
  --auth MODE           none, token or jwt (the template's AuthMode; default: its default,
                        auto = token when a token is given, else none). jwt runs a local
                        OIDC issuer at /local-issuer on this port; mint tokens with
                        sam-local-websocket token --sub alice
  --auth-token TOKEN    require ?Auth=TOKEN on connect: switches on the template's
                        authorizer (same as --parameter AuthToken=TOKEN). Prefer the
                        environment (AUTH_TOKEN=TOKEN): arguments show in ps
  --idle-timeout S      close idle connections after S seconds (default ${D.idleTimeoutMs / 1000})
  --max-duration S      close every connection after S seconds (default ${D.maxDurationMs / 1000})
  --close-timeout MS    after any close the gateway starts, end the TCP connection MS
                        milliseconds later if the client has not answered the close
                        frame by then (default ${D.closeTimeoutMs})
  --no-watch            do not rebuild and reload functions when their sources change
  --region REGION       the region the twin runs in: ARNs, AWS_REGION (default: the region
                        samconfig.toml beside the template deploys to, else ${D.region})
  --allow-admin-keys    on a host other than loopback (e.g. --host 0.0.0.0), treat access keys
                        the gateway did not issue as an administrator's; without it they are
                        refused (UnrecognizedClientException). On loopback they always are
  --iam MODE            enforce (default ${D.iam}): each function's DynamoDB and
                        @connections calls are held to its template policies and
                        @connections needs a SigV4 signature; off: nothing is checked
  --containers N        containers per function, each running one invocation at a
                        time like Lambda; more invocations wait their turn (default ${D.containersPerFunction})
  --shutdown-timeout S  on stop, wait at most S seconds for every $disconnect and running
                        invocation before stopping the functions (default ${D.shutdownTimeoutMs / 1000})

Fault injection (to see how the handlers cope):
  --connections-latency MS         add MS to every @connections call (default ${DEFAULT_FAULTS.latencyMs})
  --connections-failure-rate R     answer a share R (0..1) of @connections calls with an error
  --connections-failure-status S   that error's status: 429, 500, 403 or 410 (default ${DEFAULT_FAULTS.failureStatus})
  Press d (in a terminal) to stop the local DynamoDB, and d again to restart it.

For scripts:
  --ready-json          once the gateway listens, print one line of JSON on stdout before
                        the banner: {"event":"ready","pid","url","port","stage",
                        "managementEndpoint","lambdaEndpoint","pageUrl","dbEndpoint",
                        "dbPort","tables","issuerUrl"} (pageUrl and issuerUrl when served)
  -h, --help            show this help
`;

/** What the start command's flags ask for: the gateway's options, and whether to print the ready line. */
export type StartOptions = Partial<GatewayOptions> & { readyJson?: boolean };

/**
 * Reads the start command's flags (and the `PORT`, `DB_PORT` and `AUTH_TOKEN` of `env`) as gateway
 * options: unset flags are left out, so they keep the gateway's defaults. `'help'` for
 * `-h`/`--help`; a bad value throws an {@link OptionError}, an unknown flag `parseArgs`' own
 * error (code `ERR_PARSE_ARGS_UNKNOWN_OPTION`).
 */
export function readCliOptions(commandLine: string[], env: NodeJS.ProcessEnv = process.env): StartOptions | 'help' {
  const { argv, overrides } = takeParameterOverrides(commandLine);
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      stage: { type: 'string' },
      'db-port': { type: 'string' },
      'db-path': { type: 'string' },
      template: { type: 'string' },
      page: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      'env-vars': { type: 'string' },
      auth: { type: 'string' },
      'auth-token': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'max-duration': { type: 'string' },
      'close-timeout': { type: 'string' },
      watch: { type: 'boolean', default: true },
      containers: { type: 'string' },
      iam: { type: 'string' },
      region: { type: 'string' },
      'allow-admin-keys': { type: 'boolean' },
      'shutdown-timeout': { type: 'string' },
      'connections-latency': { type: 'string' },
      'connections-failure-rate': { type: 'string' },
      'connections-failure-status': { type: 'string' },
      'ready-json': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const number = wholeNumber;
  const atLeastOne = (name: string, value: number | undefined) => {
    if (value === 0) throw new OptionError(`--${name} must be at least 1`);
    return value;
  };
  const seconds = (name: string, raw: string | undefined) => {
    const value = number(name, raw);
    return value === undefined ? undefined : value * 1000;
  };
  const parameters = { ...parameterOverrides(overrides), ...templateParameters(values.parameter, values['auth-token'] ?? env.AUTH_TOKEN) };
  const auth = values.auth;
  if (auth !== undefined && !['none', 'token', 'jwt'].includes(auth)) throw new OptionError(`--auth must be none, token or jwt, got "${auth}"`);
  if (auth) parameters.AuthMode = auth;
  const options: StartOptions = {
    port: number('port', values.port ?? env.PORT),
    host: values.host,
    stage: values.stage,
    dbPort: number('db-port', values['db-port'] ?? env.DB_PORT),
    dbPath: values['db-path'],
    template: values.template,
    page: values.page,
    parameters,
    envVars: envVarsFile(values['env-vars']),
    idleTimeoutMs: seconds('idle-timeout', values['idle-timeout']),
    maxDurationMs: seconds('max-duration', values['max-duration']),
    closeTimeoutMs: atLeastOne('close-timeout', number('close-timeout', values['close-timeout'])),
    watch: values.watch,
    containersPerFunction: atLeastOne('containers', number('containers', values.containers)),
    iam: iamMode(values.iam),
    region: values.region ?? samconfigRegion(dirname(resolve(values.template ?? D.template))),
    allowAdminKeys: values['allow-admin-keys'],
    shutdownTimeoutMs: seconds('shutdown-timeout', values['shutdown-timeout']),
    faults: faultsFrom(values),
    localIssuer: auth === 'jwt' ? true : undefined,
    readyJson: values['ready-json'],
  };
  // Unset flags keep their defaults.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** `--iam`'s value as a mode; undefined when the flag is not given. Throws an OptionError for anything else. */
export function iamMode(raw: string | undefined): IamMode | undefined {
  if (raw === undefined) return undefined;
  const modes = Object.values(IAM_MODES) as string[];
  if (!modes.includes(raw)) throw new OptionError(`--iam takes ${modes.join(' or ')}, got "${raw}"`);
  return raw as IamMode;
}

function faultsFrom(values: Record<string, unknown>): Partial<ConnectionsFaults> {
  const faults: Partial<ConnectionsFaults> = {};
  const latency = values['connections-latency'] as string | undefined;
  const rate = values['connections-failure-rate'] as string | undefined;
  const status = values['connections-failure-status'] as string | undefined;
  if (latency !== undefined) {
    faults.latencyMs = Number(latency);
    // Number('') and Number(' ') are 0: an empty value is no number, not "no latency".
    if (latency.trim() === '' || !Number.isFinite(faults.latencyMs) || faults.latencyMs < 0)
      throw new OptionError(`--connections-latency must be a number of ms, got "${latency}"`);
  }
  if (rate !== undefined) {
    faults.failureRate = Number(rate);
    if (rate.trim() === '' || !(faults.failureRate >= 0 && faults.failureRate <= 1))
      throw new OptionError(`--connections-failure-rate must be between 0 and 1, got "${rate}"`);
  }
  if (status !== undefined) {
    faults.failureStatus = Number(status);
    if (status.trim() === '' || !FAILURE_STATUSES.includes(faults.failureStatus))
      throw new OptionError(`--connections-failure-status takes ${FAILURE_STATUSES.join(', ')}, got "${status}"`);
  }
  return faults;
}
