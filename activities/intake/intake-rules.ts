import type { WhooshConfig } from '../../infra/config';
import type { IntakeRules } from '../../domain/intake/route-event';

/** The routing rules of the `intake:` config, as the pure router takes them. */
export function intakeRules(config: WhooshConfig): IntakeRules {
  return {
    taskLabel: config.intake.task_label,
    councilLabel: config.intake.council_label,
    councilTitle: config.intake.council_title,
    permittedUsers: config.intake.permitted_users,
  };
}
