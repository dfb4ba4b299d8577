-- Up Migration

-- The normalised forge event of a delivery that forge-triggered pipelines
-- take (whoosh.forgeTrigger): the relay starts them from it, once per
-- delivery, with the same retries as the intake's own starts.
ALTER TABLE webhook_deliveries ADD COLUMN pipeline_event jsonb;

-- Down Migration
ALTER TABLE webhook_deliveries DROP COLUMN pipeline_event;
