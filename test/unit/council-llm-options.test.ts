import type { LlmRequest } from '../../domain/routing/llm-call';
import { contextTokensFor, MIN_CONTEXT_TOKENS, withContextSize } from '../../domain/council/llm-options';
import { memberArtifactRequest } from '../../domain/council/prompts';

const request = (chars: number): LlmRequest => ({ messages: [{ role: 'user', content: 'x'.repeat(chars) }], options: { temperature: 0.2 } });

test('a short request gets the smallest window; a longer one the next power of two that holds it and an answer', () => {
  expect(contextTokensFor(request(100), 32_768)).toBe(MIN_CONTEXT_TOKENS);
  expect(contextTokensFor(request(3 * 12_000), 32_768)).toBe(16_384);
  expect(contextTokensFor(request(3 * 20_000), 32_768)).toBe(32_768);
});

test('never past the configured maximum', () => {
  expect(contextTokensFor(request(1_000_000), 32_768)).toBe(32_768);
  expect(contextTokensFor(request(100), 4096)).toBe(4096);
});

test('num_ctx is set beside the other options; a real member request fits', () => {
  expect(withContextSize(request(100), 32_768).options).toEqual({ temperature: 0.2, num_ctx: MIN_CONTEXT_TOKENS });
  const member = memberArtifactRequest({ role: 'qa_lead', brief: { title: 'Design Brief: x', body: 'y'.repeat(12_000), labels: [] }, council: ['product_manager', 'engineering_lead', 'qa_lead'] });
  const sized = withContextSize(member, 32_768);
  expect(sized.options!.num_ctx).toBe(16_384);
  expect(sized.format).toBe(member.format);
});
