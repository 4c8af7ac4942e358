-- A random query code (查询码) given to the caller at intake: the public lookup and rating take the
-- request's number and this code, not the phone's last four digits (anyone who knows the caller
-- knows those). Requests stored before it get a random code too, which the centre reads out from
-- the request's page to a caller who asks.
ALTER TABLE requests ADD COLUMN lookup_code TEXT;
UPDATE requests SET lookup_code = upper(hex(randomblob(3))) WHERE lookup_code IS NULL;
