-- The W3C trace context of the change that wrote an outbox row: the relay sends the record in the
-- same trace, so one photo is one trace from upload to display. Null for rows without a trace.
ALTER TABLE outbox ADD COLUMN traceparent text;
