/**
 * Stand-ins for the team-formation and council-kickoff workflows, so the
 * intake can be tested before (and apart from) them: they record every
 * signal they get and end when the issue closes or a /cancel arrives.
 */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { forgeCommandSignal, issueClosedSignal, type ForgeCommand, type IntakeInput, type IssueClosed } from '../../workflows/definitions';

export * from '../../workflows';

export type Received = ({ type: 'closed' } & IssueClosed) | ({ type: 'command' } & ForgeCommand);
export const receivedQuery = defineQuery<Received[]>('received');

async function standIn(input: IntakeInput): Promise<{ input: IntakeInput; received: Received[] }> {
  const received: Received[] = [];
  let done = false;
  setHandler(receivedQuery, () => received);
  setHandler(issueClosedSignal, (e) => {
    received.push({ type: 'closed', ...e });
    done = true;
  });
  setHandler(forgeCommandSignal, (c) => {
    received.push({ type: 'command', ...c });
    if (c.command === 'cancel') done = true;
  });
  await condition(() => done);
  return { input, received };
}

export async function teamFormation(input: IntakeInput) {
  return standIn(input);
}

export async function councilKickoff(input: IntakeInput) {
  return standIn(input);
}
