/**
 * npm run check:sam: what a user with the real AWS SAM CLI and cfn-lint would run before
 * deploying, with no AWS account or configuration:
 *
 *   1. every Rules expression uses rule functions only      (CloudFormation refuses others; cfn-lint does not say)
 *   2. cfn-lint template.yaml --include-checks I            (nothing reported)
 *   3. the same on a copy with the $connect authorizer on   (a non-empty AuthToken default),
 *      on one in AuthMode jwt (with sam validate --lint too), on one with the alarm's email
 *      topic on (a non-empty AlarmEmail default), and on one with the fan-out workers on
 *      (EnableFanOut true, a reserved concurrency; with sam validate --lint too)
 *   3b. cfn-lint on the twin's compatibility templates      (nothing reported: they are written as AWS writes them)
 *   4. sam validate (which lints: lint = true in samconfig.toml), sam validate --lint, and SAM's
 *      basic validation from a config holding only the region (empty HOME, no AWS_* variables)
 *   5. sam build                                            (plain: samconfig.toml only, no esbuild on PATH;
 *      SAM builds every function whatever its Condition, so this one build serves both shapes)
 *   6. every .aws-sam/build/{Function}/app.mjs imported in its own Node process with the
 *      function's template environment, and every file of that folder (the bundle, its chunks,
 *      their source maps) compared byte for byte with `npm run build`'s (.build/functions/{Function})
 *
 * Commands: `sam` and `cfn-lint` from PATH, or SAM_CLI / CFN_LINT (paths of executables).
 * SAM_TOOLS names a folder holding `sam`, `cfn-lint` and `install-deps` (../shared/sam-tools):
 * its `install-deps` runs first and its commands are the defaults. It writes only git-ignored
 * build output (.aws-sam/, .build/) and removes its temporary folders; it fails if anything
 * else in the working tree changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  applyConditions,
  functionBuildDir,
  functionEnvironment,
  functionsOf,
  loadTemplate,
  localValues,
  parameterValues,
  pseudoParameters,
  tablesOf,
} from 'sam-local-websocket';
import { CheckFailed, checkRuleFunctions } from './sam-checks.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = 'template.yaml';
const SAM_BUILD_DIR = join('.aws-sam', 'build');
/** Any non-empty value switches the authorizer on; it is never deployed. */
const LINT_AUTH_TOKEN = 'check-sam-token';
/** A Cognito user pool's issuer URL, for the JWT-mode copy; it is never deployed. */
const LINT_JWT_ISSUER = 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Check123';
/** Any non-empty value switches the alarm's SNS topic and subscription on. */
const LINT_ALARM_EMAIL = 'alarms@example.com';
/** A reservation, so that the fan-out copy also lints the worker's ReservedConcurrentExecutions. */
const LINT_WORKER_CONCURRENCY = '20';

const tools = process.env.SAM_TOOLS ? resolve(process.env.SAM_TOOLS) : undefined;
const sam = process.env.SAM_CLI || (tools ? join(tools, 'sam') : 'sam');
const cfnLint = process.env.CFN_LINT || (tools ? join(tools, 'cfn-lint') : 'cfn-lint');

// `npm run` puts node_modules/.bin on PATH: take it off, so `sam build` can only find this
// project's esbuild the way a user's plain `sam build` does (build_in_source in samconfig.toml).
const cleanPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && !dir.endsWith(`${sep}node_modules${sep}.bin`))
  .join(delimiter);

function step(title: string): void {
  console.log(`\ncheck-sam: ${title}`);
}

/**
 * Runs a command with its output shown; fails the check on a non-zero exit. With `capture`, its
 * stdout is also returned (and printed after it ends).
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = { ...process.env, PATH: cleanPath }, capture = false): string {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (capture) process.stdout.write(result.stdout ?? '');
  if (result.error) {
    const hint = command === sam ? 'SAM_CLI' : command === cfnLint ? 'CFN_LINT' : undefined;
    throw new CheckFailed(`${command} could not run (${result.error.message})${hint ? `: install it or set ${hint}` : ''}`);
  }
  if (result.status !== 0) throw new CheckFailed(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  console.log('(exit 0)');
  return result.stdout ?? '';
}

/** The working tree's changes as git sees them, or undefined outside a git checkout. */
function gitStatus(): string | undefined {
  const result = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

/** template.yaml with a parameter's default (`from`, empty unless given) made `value`: cfn-lint evaluates the defaults. */
function withDefault(text: string, parameter: string, value: string, from = "''"): string {
  const pattern = new RegExp(`(\\n {2}${parameter}:\\n(?: {4}.*\\n)*? {4}Default: )${from}\\n`);
  if (!pattern.test(text)) throw new CheckFailed(`${TEMPLATE}: no ${parameter} parameter with Default: ${from} to set`);
  return text.replace(pattern, `$1'${value}'\n`);
}

/** An environment with no AWS configuration at all: an empty HOME and no AWS_* variables. */
function withoutAwsConfig(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    PATH: cleanPath,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    // On an EC2 machine botocore could otherwise ask the instance for its region.
    AWS_EC2_METADATA_DISABLED: 'true',
    SAM_CLI_TELEMETRY: '0',
  };
}

/** Imports a bundle in a fresh Node process with exactly `env`, and checks its export. */
function loadBundle(file: string, exportName: string, env: Record<string, string>): void {
  // The child reports the error's name and message itself: Node would quote a minified line.
  const code = `try {
  const m = await import(process.argv[1]);
  if (typeof m[process.argv[2]] !== 'function') throw new TypeError('no function export ' + process.argv[2]);
} catch (error) { console.error(error.name + ': ' + error.message); process.exit(1); }`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code, pathToFileURL(file).href, exportName], {
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new CheckFailed(`${file} does not load: ${result.stderr.trim()}`);
}

/** Step 6: the bundles sam built load with their environment and equal npm run build's. */
function checkBundles(): void {
  const { template, baseDir } = loadTemplate(join(ROOT, TEMPLATE));
  // Every function, the authorizer and the fan-out worker included, with its environment as deployed.
  const parameters = parameterValues(template, { AuthToken: LINT_AUTH_TOKEN, EnableFanOut: 'true' });
  const region = 'eu-north-1';
  const deployed = applyConditions(template, { ...pseudoParameters(region), ...parameters });
  const tables = tablesOf(deployed);
  const endpoints = { region, dynamoDbEndpoint: '', managementEndpoint: '', apiId: 'check', lambdaEndpoint: '' };
  const values = localValues(deployed, parameters, tables, endpoints);
  const functions = new Map(functionsOf(deployed, baseDir).map((fn) => [fn.logicalId, fn]));

  const built = readdirSync(join(ROOT, SAM_BUILD_DIR), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, SAM_BUILD_DIR, entry.name, 'app.mjs')))
    .map((entry) => entry.name)
    .sort();
  const expected = [...functions.keys()].sort();
  if (built.join() !== expected.join()) {
    throw new CheckFailed(`sam build made app.mjs for [${built.join(', ')}], the template has [${expected.join(', ')}]`);
  }
  for (const logicalId of built) {
    const fn = functions.get(logicalId)!;
    const samDir = join(ROOT, SAM_BUILD_DIR, logicalId);
    const npmDir = functionBuildDir(ROOT, logicalId);
    const samBundle = join(samDir, 'app.mjs');
    // What Lambda and the template give the function; the local gateway's endpoints are not part of it.
    const env = functionEnvironment(fn, values, endpoints, { accessKeyId: `check-sam-${logicalId}`, secretAccessKey: 'unused' });
    delete env.AWS_ENDPOINT_URL_DYNAMODB;
    delete env.MANAGEMENT_API_ENDPOINT;
    delete env.AWS_ENDPOINT_URL_LAMBDA;
    loadBundle(samBundle, fn.handler.slice(fn.handler.lastIndexOf('.') + 1), env);
    // The bundle, its chunks (Splitting: hashed names) and every source map (Sourcemap: true).
    const [samFiles, npmFiles] = [samDir, npmDir].map((dir) => readdirSync(dir).sort());
    if (samFiles.join() !== npmFiles.join())
      throw new CheckFailed(`sam build wrote [${samFiles.join(', ')}] for ${logicalId}, npm run build [${npmFiles.join(', ')}]`);
    if (!samFiles.includes('app.mjs.map')) throw new CheckFailed(`sam build wrote no ${samBundle}.map`);
    let bytes = 0;
    for (const name of samFiles) {
      const sam = readFileSync(join(samDir, name));
      if (!sam.equals(readFileSync(join(npmDir, name)))) throw new CheckFailed(`${join(samDir, name)} differs from ${join(npmDir, name)}`);
      bytes += sam.length;
    }
    console.log(
      `${logicalId.padEnd(20)} loads with ${Object.keys(fn.environment).join(', ')}; ${samFiles.length} files (${bytes} bytes) byte-identical to npm run build's`,
    );
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'check-sam-'));
const before = gitStatus();
try {
  if (tools) {
    step(`install-deps (${tools})`);
    run(join(tools, 'install-deps'), []);
  }

  step('Rules use rule functions only');
  checkRuleFunctions(join(ROOT, TEMPLATE));
  console.log('(none other)');

  step('cfn-lint with informational checks, authorizer off, fan-out workers off (the defaults)');
  run(cfnLint, [TEMPLATE, '--include-checks', 'I']);

  step('cfn-lint with informational checks, authorizer on');
  const authorizerCopy = join(scratch, 'template-authorizer-on.yaml');
  writeFileSync(authorizerCopy, withDefault(readFileSync(join(ROOT, TEMPLATE), 'utf8'), 'AuthToken', LINT_AUTH_TOKEN));
  run(cfnLint, [authorizerCopy, '--include-checks', 'I']);

  step('cfn-lint with informational checks, JWT authorizer on (AuthMode jwt)');
  const jwtCopy = join(scratch, 'template-jwt-authorizer-on.yaml');
  let jwtTemplate = withDefault(readFileSync(join(ROOT, TEMPLATE), 'utf8'), 'AuthMode', 'jwt', 'auto');
  jwtTemplate = withDefault(jwtTemplate, 'JwtIssuer', LINT_JWT_ISSUER);
  jwtTemplate = withDefault(withDefault(jwtTemplate, 'JwtAudience', 'client-a,client-b'), 'JwtRequiredScope', 'chat/connect');
  writeFileSync(jwtCopy, jwtTemplate);
  run(cfnLint, [jwtCopy, '--include-checks', 'I']);
  run(sam, ['validate', '--lint', '--template-file', jwtCopy], withoutAwsConfig(scratch));

  step('cfn-lint with informational checks, alarm email on');
  const alarmCopy = join(scratch, 'template-alarm-email-on.yaml');
  writeFileSync(alarmCopy, withDefault(readFileSync(join(ROOT, TEMPLATE), 'utf8'), 'AlarmEmail', LINT_ALARM_EMAIL));
  run(cfnLint, [alarmCopy, '--include-checks', 'I']);

  const emptyHome = join(scratch, 'home');
  mkdirSync(emptyHome);

  step("cfn-lint on the twin's compatibility templates (packages/sam-local-websocket/test/fixtures/compat)");
  const compatDir = join('packages', 'sam-local-websocket', 'test', 'fixtures', 'compat');
  const compatTemplates = readdirSync(join(ROOT, compatDir)).map((name) => join(compatDir, name, TEMPLATE));
  run(cfnLint, compatTemplates);

  step('cfn-lint with informational checks and sam validate --lint, fan-out workers on (EnableFanOut true)');
  const fanOutCopy = join(scratch, 'template-fan-out-on.yaml');
  const fanOutTemplate = withDefault(readFileSync(join(ROOT, TEMPLATE), 'utf8'), 'EnableFanOut', 'true', "'false'");
  writeFileSync(fanOutCopy, withDefault(withDefault(fanOutTemplate, 'FanOutWorkerConcurrency', LINT_WORKER_CONCURRENCY), 'AlarmEmail', LINT_ALARM_EMAIL));
  run(cfnLint, [fanOutCopy, '--include-checks', 'I']);
  run(sam, ['validate', '--lint', '--template-file', fanOutCopy], withoutAwsConfig(emptyHome));
  step(`sam validate, with no AWS configuration (HOME=${emptyHome}, no AWS_* variables)`);
  // samconfig.toml's [default.validate.parameters] lint = true: a plain `sam validate` lints. SAM
  // then runs cfn-lint instead of its basic validation, whose message would say to add --lint.
  const plain = run(sam, ['validate'], withoutAwsConfig(emptyHome), true);
  if (plain.includes('basic SAM Validation'))
    throw new CheckFailed('sam validate did not lint: samconfig.toml needs lint = true under [default.validate.parameters]');
  run(sam, ['validate', '--lint'], withoutAwsConfig(emptyHome));
  // SAM's basic validation (the transform, with a region) too: from a config with the region only.
  const basicConfig = join(scratch, 'samconfig-basic.toml');
  writeFileSync(basicConfig, `version = 0.1\n\n[default.global.parameters]\nregion = "eu-north-1"\n`);
  run(sam, ['validate', '--config-file', basicConfig], withoutAwsConfig(emptyHome));

  step('sam build (plain: settings from samconfig.toml, no esbuild on PATH)');
  rmSync(join(ROOT, SAM_BUILD_DIR), { recursive: true, force: true });
  run(sam, ['build'], withoutAwsConfig(emptyHome));

  step('npm run build, then each sam-built bundle loaded and compared');
  run('npm', ['run', '--silent', 'build'], process.env);
  checkBundles();

  const after = gitStatus();
  if (before !== undefined && after !== before) {
    throw new CheckFailed(`the check changed the working tree:\n${after}`);
  }
  console.log('\ncheck-sam: all passed');
} catch (error) {
  console.error(`\ncheck-sam: FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
