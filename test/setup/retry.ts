// The suite runs on a real Temporal server and a real Postgres on a 2-core machine, next
// to a 10,000-item pipeline and killed workers. A test whose timing loses a race against
// that load gets one more try; the first failure is printed, so a flaky test stays visible
// in the log ("retry 1") and is fixed rather than hidden. A test that fails twice fails.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
