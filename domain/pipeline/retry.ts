/** n8n's retryOnFail bounds: maxTries 2–5 (default 3), waitBetweenTries 0–5000 ms (default 1000). */
export function clampTries(maxTries: number | undefined): number {
  return Math.min(5, Math.max(2, maxTries || 3));
}

export function clampWait(waitBetweenTries: number | undefined): number {
  return Math.min(5000, Math.max(0, waitBetweenTries || 1000));
}
