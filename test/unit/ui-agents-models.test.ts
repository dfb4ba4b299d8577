/**
 * The Agents page strikes through a configured model only when the node
 * lacks it: `deepseek-coder-v2` is installed when the node lists
 * `deepseek-coder-v2:latest`, as the health check counts it.
 */
import { hasModel } from '../../ui/src/lib/agents';

test('x and x:latest are the same model; other tags are not', () => {
  expect(hasModel(['deepseek-coder-v2:latest'], 'deepseek-coder-v2')).toBe(true);
  expect(hasModel(['llama3.1'], 'llama3.1:latest')).toBe(true);
  expect(hasModel(['llama3.1:8b'], 'llama3.1')).toBe(false);
  expect(hasModel(['qwen2.5:14b'], 'qwen2.5:7b')).toBe(false);
  expect(hasModel([], 'x')).toBe(false);
});
