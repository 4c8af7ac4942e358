-- A request's words (what the caller said, and where) head its notes, so that the queue searches
-- one column; the live queue (a few tens of thousands among millions) has them in a covering index
-- of its own, with what its tabs count, read without touching the requests or the matters' rows.
-- The index's WHERE is the store's LIVE list word for word (a query is matched to a partial index
-- by its terms).
UPDATE matters SET notes = (SELECT r.content || char(10) || r.address || char(10) FROM requests r WHERE r.matter_id = matters.id) || notes
    WHERE kind = 'request' AND EXISTS (SELECT 1 FROM requests r WHERE r.matter_id = matters.id);
CREATE INDEX requests_live_words ON matters(status, opened_on, id, due_at, deadline, lead_unit_id, notes)
    WHERE kind = 'request' AND status IN ('draft', 'dispatched', 'open', 'replied', 'submitted');
