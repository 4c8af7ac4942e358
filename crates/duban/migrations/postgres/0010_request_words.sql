-- A request's words (what the caller said, and where) head its notes, so that the queue searches
-- one column; the live queue (a few tens of thousands among millions) has them in a covering index
-- of its own (with what its tabs count). The index's WHERE is the store's LIVE list word for word.
UPDATE matters m SET notes = r.content || chr(10) || r.address || chr(10) || m.notes
    FROM requests r WHERE r.matter_id = m.id AND m.kind = 'request';
CREATE INDEX requests_live_words ON matters(status, opened_on, id, due_at, deadline, lead_unit_id) INCLUDE (notes)
    WHERE kind = 'request' AND status IN ('draft', 'dispatched', 'open', 'replied', 'submitted');
