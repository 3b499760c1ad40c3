import { dirname, resolve } from 'node:path';
/**
 * The invoke command's flags and exit codes by failure: the help text, the reading of the command
 * line and the mapping of errors, apart from the command (invoke.ts) so reading them runs nothing.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BuildError, GatewayNotRunningError, LocalError, OptionError } from '../errors.js';
import { DEFAULT_GATEWAY_OPTIONS } from '../stack/options.js';
import type { InvokeOptions } from '../stack/invoke-function.js';
import { EXIT } from './invoke-output.js';
import { samconfigRegion } from '../template/parameters.js';
import { envVarsFile, parameterOverrides, readJsonFile, takeParameterOverrides, templateParameters, wholeNumber } from './flags.js';

const D = DEFAULT_GATEWAY_OPTIONS;

/** The invoke command's help text: every default is read from the gateway's own defaults. */
export const INVOKE_HELP = `Usage: sam-local-websocket invoke FUNCTION [-e events/FILE.json | -e -] [options]

Invokes one function of the template with an event, as sam local invoke does, without
Docker: its bundle (built as the gateway builds it) runs in a container like the gateway's,
with its template environment, against the running local gateway (sam-local-websocket) and
its DynamoDB. Logs go to stderr; the result to stdout as one line: RESULT {json}.

Options:
  -e, --event FILE      the event (JSON), e.g. events/broadcast.json; - reads it from stdin;
                        none: the event is {}, as for sam local invoke
  --env-vars FILE       environment overrides, as sam local invoke --env-vars takes them:
                        {"Parameters": {...all functions}, "MyFunction": {...}};
                        only variables the function declares are applied, as in SAM
  --template FILE       SAM template (default ${D.template})
  --parameter K=V       template parameter value (repeatable; env AUTH_TOKEN sets AuthToken),
                        e.g. StageName=prod
  --parameter-overrides K=V [K=V ...]
                        parameter values as sam deploy takes them (over samconfig.toml's
                        parameter_overrides, under --parameter)
  --port N              the running gateway's port (default ${D.port}; env PORT)
  --db-port N           its local DynamoDB's port (default ${D.dbPort}; env DB_PORT)
  --host ADDR           the address the gateway listens on (default ${D.host})
  --stage NAME          its stage (default: the template's StageName)
  --region REGION       the region the function is told it runs in (default: the region
                        samconfig.toml beside the template deploys to, else ${D.region})
  -h, --help            show this help

Exit codes: ${EXIT.ok} returned, ${EXIT.functionError} the handler threw or timed out, ${EXIT.usage} bad input or unknown
function (the template's functions are listed), ${EXIT.gatewayNotRunning} no running gateway found.
`;

/** What the command line asks for: an invocation (all but where its logs go), or the help. */
export type ParsedInvoke = Omit<InvokeOptions, 'log'> | 'help';

/**
 * Reads the invoke command's flags (and the `PORT`, `DB_PORT` and `AUTH_TOKEN` of `env`), with the
 * gateway's defaults for what is not given; the event file is read here. `'help'` for
 * `-h`/`--help`; `-e -` reads the event from `readStdin`; a bad value throws an {@link OptionError}, a flag it does not know
 * `parseArgs`' own error (code `ERR_PARSE_ARGS_UNKNOWN_OPTION`).
 */
export function readInvokeOptions(
  commandLine: string[],
  env: NodeJS.ProcessEnv = process.env,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): ParsedInvoke {
  const { argv, overrides } = takeParameterOverrides(commandLine);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: 'string', short: 'e' },
      'env-vars': { type: 'string' },
      template: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      port: { type: 'string' },
      'db-port': { type: 'string' },
      host: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new OptionError(`name one function to invoke, e.g. invoke MyFunction -e events/my-event.json`);
  return {
    functionName: positionals[0],
    event: eventOf(values.event, readStdin),
    template: values.template ?? D.template,
    parameters: { ...parameterOverrides(overrides), ...templateParameters(values.parameter, env.AUTH_TOKEN) },
    envVars: envVarsFile(values['env-vars']) ?? {},
    region: values.region ?? samconfigRegion(dirname(resolve(values.template ?? D.template))) ?? D.region,
    host: values.host ?? D.host,
    port: wholeNumber('port', values.port ?? env.PORT) ?? D.port,
    dbPort: wholeNumber('db-port', values['db-port'] ?? env.DB_PORT) ?? D.dbPort,
    stage: values.stage,
  };
}

/**
 * The event, as `sam local invoke -e` takes it: a JSON file, `-` for stdin (read to its end),
 * and `{}` when none is given (SAM CLI `commands/local/invoke/cli.py`).
 */
function eventOf(file: string | undefined, readStdin: () => string): unknown {
  if (file === undefined) return {};
  if (file === '') throw new OptionError('-e/--event takes a FILE, or - to read the event from stdin');
  if (file !== '-') return readJsonFile('event', file);
  let text: string;
  try {
    text = readStdin();
  } catch (error) {
    throw new OptionError(`-e -: cannot read the event from stdin (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OptionError(`-e -: the event on stdin is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** The exit code a failed invoke ends with ({@link EXIT}), by what failed. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof GatewayNotRunningError) return EXIT.gatewayNotRunning;
  // A bundle that does not build fails as a function that cannot start would.
  if (error instanceof BuildError) return EXIT.functionError;
  if (error instanceof LocalError) return EXIT.usage; // options, template, unknown function
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return EXIT.usage;
  return EXIT.functionError;
}
