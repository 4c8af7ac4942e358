-- A random query code (查询码) given to the caller at intake: the public lookup and rating take the
-- request's number and this code, not the phone's last four digits (anyone who knows the caller
-- knows those). Requests stored before it have none and are looked up as before.
ALTER TABLE requests ADD COLUMN lookup_code TEXT;
