import { decisionProblem, roleProblem, type DecisionContext } from '../../domain/council/decisions';

const waiting: DecisionContext = { status: 'awaiting_decision', round: 1, maxRounds: 3, decided: false };

test('while a plan awaits a decision, each decision is taken; a revision needs feedback', () => {
  expect(decisionProblem(waiting, 'approve', undefined)).toBeUndefined();
  expect(decisionProblem(waiting, 'cancel', '')).toBeUndefined();
  expect(decisionProblem(waiting, 'revise', 'cover contractors')).toBeUndefined();
  expect(decisionProblem(waiting, 'revise', '  ')).toMatch(/^a revision needs feedback/);
  expect(decisionProblem(waiting, 'revise', undefined)).toMatch(/^a revision needs feedback/);
});

test('one decision per plan, and no revision past the last round', () => {
  expect(decisionProblem({ ...waiting, decided: true }, 'approve', undefined)).toBe('a decision on this plan was taken already');
  expect(decisionProblem({ ...waiting, round: 3 }, 'revise', 'more')).toBe('the council has had its 3 rounds; approve or cancel this plan');
  expect(decisionProblem({ ...waiting, round: 1, maxRounds: 1 }, 'revise', 'more')).toBe('the council has had its 1 round; approve or cancel this plan');
  expect(decisionProblem({ ...waiting, round: 3 }, 'approve', undefined)).toBeUndefined();
});

test('outside the wait, the reason names what the council is doing', () => {
  expect(decisionProblem({ ...waiting, status: 'deliberating' }, 'approve', undefined)).toBe('the council is still deliberating; decide once its plan is posted');
  expect(decisionProblem({ ...waiting, status: 'synthesizing' }, 'revise', 'x')).toMatch(/still writing its plan/);
  expect(decisionProblem({ ...waiting, status: 'creating_tasks' }, 'approve', undefined)).toBe('the plan was approved already; its task issues are being created');
  expect(decisionProblem({ ...waiting, status: 'expired' }, 'cancel', undefined)).toBe('the council expired');
});

test('only operators and admins decide through the API', () => {
  expect(roleProblem('operator')).toBeUndefined();
  expect(roleProblem('admin')).toBeUndefined();
  expect(roleProblem('viewer')).toBe('deciding on a council needs the operator or admin role, not viewer');
  expect(roleProblem('')).toBe('deciding on a council needs the operator or admin role, not none');
});
