#!/usr/bin/env node
// The `archway` command. `archway start` runs the gateway until SIGTERM/SIGINT, then drains.
import { parseStartOptions, describeSettings, OptionsError } from '../options/parse-options.js';
import { startArchway, VERSION } from '../main.js';

const USAGE = `Usage: archway start [options]

Runs Archway: the API Gateway control plane (AWS SDK/CLI with --endpoint-url) and the
data plane on one port. Every flag also reads from its environment variable.

Options:                            Environment variable
${describeSettings()}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === 'version') {
    console.log(VERSION);
    return 0;
  }
  if (command !== 'start' || rest.includes('--help') || rest.includes('-h')) {
    (command === 'start' || command === undefined || command === '--help' || command === '-h' ? console.log : console.error)(USAGE);
    return command === 'start' || command === '--help' || command === '-h' ? 0 : 2;
  }
  let options;
  try {
    options = parseStartOptions(rest, process.env);
  } catch (error) {
    if (error instanceof OptionsError) {
      console.error(`archway: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const archway = await startArchway(options);
  const publicHost = options.host === '127.0.0.1' || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  console.log(`Archway ${VERSION} listening on ${archway.endpoint} (${options.inMemory ? 'in memory' : `data in ${options.dataDir}`})`);
  console.log(`Control plane: aws apigateway --endpoint-url http://${publicHost}:${archway.port} (credentials ${options.adminCredentials.accessKeyId}/…)`);
  console.log(`Invoke URL pattern: http://${publicHost}:${archway.port}/_aws/execute-api/{apiId}/{stage}/`);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      archway.logger.info({ signal }, 'shutting down: draining in-flight requests');
      void archway.stop().then(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('archway: failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
