/**
 * A bare workflow with one no-op activity: the yardstick the benchmarks compare
 * every product workflow against.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { INSTANT } from './activity-profiles';

const { noop } = proxyActivities<Activities>(INSTANT);

export async function baseline(): Promise<void> {
  await noop();
}
