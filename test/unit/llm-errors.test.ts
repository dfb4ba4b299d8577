import { classifyOllamaError, StreamTruncatedError } from '../../activities/ollama/errors';

const httpError = (status: number, message: string) => Object.assign(new Error(message), { name: 'ResponseError', status_code: status });

test.each([
  [httpError(404, 'model "x" not found, try pulling it first'), false, 'ModelNotFound'],
  [httpError(503, 'server busy, please try again.  maximum pending requests exceeded'), false, 'NodeBusy'],
  [httpError(429, 'too many'), false, 'NodeBusy'],
  [httpError(400, 'invalid format'), false, 'InvalidLlmRequest'],
  [httpError(500, 'llama runner process has terminated'), false, 'NodeError'],
  [new Error('Did not receive done or success response in stream.'), true, 'StreamTruncated'],
  [new StreamTruncatedError(), true, 'StreamTruncated'],
  [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }), false, 'NodeUnavailable'],
  [Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), true, 'NodeUnavailable'],
  [new Error('TypeError: fetch failed'), false, 'NodeUnavailable'],
  [new Error('CUDA error: out of memory'), true, 'StreamError'],
  [new Error('CUDA error: out of memory'), false, 'NodeError'],
])('%s (after chunks: %s) is %s', (err, streamed, type) => {
  expect(classifyOllamaError(err, streamed).type).toBe(type);
});
