export interface EngineEnvOptions {
  project: string;
  stack: string;
  config?: Record<string, string> | undefined;
  secretKeys?: string[] | undefined;
  env?: Record<string, string> | undefined;
}

/**
 * The environment the engine gives the language host and the provider host: config as JSON in
 * PULUMI_CONFIG, secret keys listed in PULUMI_CONFIG_SECRET_KEYS. Our own PULUMI_* are dropped first,
 * so the test runner's environment cannot leak into a step.
 */
export function engineEnv(options: EngineEnvOptions): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PULUMI_")) inherited[key] = value;
  }
  return {
    ...inherited,
    ...options.env,
    PULUMI_NODEJS_PROJECT: options.project,
    PULUMI_PROJECT: options.project,
    PULUMI_NODEJS_STACK: options.stack,
    PULUMI_STACK: options.stack,
    PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys ?? []),
  };
}
