-- A new-profile form sent twice (Back, then Save again; a double click) creates one profile, not two: the form
-- carries a key made when it was shown, and a second creation with the same key for the same organisation finds the
-- first profile instead. API clients may send one too (creationKey).
ALTER TABLE profile ADD COLUMN creation_key uuid;
CREATE UNIQUE INDEX profile_creation_key_idx ON profile (organisation_id, creation_key) WHERE creation_key IS NOT NULL;
