/** A logger for the workflow bundler that only reports errors. */
const noop = (): void => undefined;
export const quietBundlerLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };
