-- What an Open311 client sends beside the address: a photo's URL (media_url, published as given)
-- and its own address identifier (address_id, kept apart from the address people read).
ALTER TABLE requests ADD COLUMN media_url TEXT;
ALTER TABLE requests ADD COLUMN address_id TEXT;
