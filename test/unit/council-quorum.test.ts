import { checkQuorum, type MemberAnswer } from '../../domain/council/quorum';

const answers = (failed: Partial<Record<MemberAnswer['role'], string>>): MemberAnswer[] =>
  (['product_manager', 'engineering_lead', 'qa_lead', 'security_lead', 'ux_lead'] as const).map((role) => ({
    role,
    core: ['product_manager', 'engineering_lead', 'qa_lead'].includes(role),
    answered: failed[role] === undefined,
    ...(failed[role] !== undefined ? { error: failed[role] } : {}),
  }));

test('core_only: optional members may fail or time out', () => {
  expect(checkQuorum('core_only', answers({}))).toEqual({ met: true, missing: [] });
  expect(checkQuorum('core_only', answers({ ux_lead: 'no valid answer within 60s', security_lead: 'invalid' }))).toEqual({ met: true, missing: ['security_lead', 'ux_lead'] });
});

test('core_only: a core member that did not answer stops the council, naming each one and why', () => {
  const r = checkQuorum('core_only', answers({ qa_lead: 'no valid answer within 60s', ux_lead: 'invalid' }));
  expect(r).toEqual({ met: false, missing: ['qa_lead', 'ux_lead'], message: 'the council has no quorum (the core roles must answer): QA lead: no valid answer within 60s' });
});

test('all: every member must answer', () => {
  expect(checkQuorum('all', answers({})).met).toBe(true);
  const r = checkQuorum('all', answers({ ux_lead: 'invalid' }));
  expect(r).toMatchObject({ met: false, message: 'the council has no quorum (every member must answer): UX lead: invalid' });
});
