/**
 * Local mode runs the services in this process, and each service reads its settings from
 * process.env in its own config.ts, exactly as in Lambda. This is the one place local mode touches
 * process.env: it sets the variables Lambda would have set, before the handlers are imported.
 */
export const applyServiceEnvironment = (variables: Readonly<Record<string, string>>): void => {
  Object.assign(process.env, variables);
};

/** LOG_LEVEL the services get unless the caller chose one. */
export const inheritedLogLevel = (): string | undefined => process.env.LOG_LEVEL;
