-- Search at scale (TARGETS S4) and members-only content for the readers entitled to it.
--
-- Ranking every match of a common word read the whole tsvector of each matching row, which PostgreSQL kept
-- inline (compressed) in a fat heap: a facet pass and a ranking pass over 50k matches cost seconds. Now:
-- * the long columns (full text, its tsvector) live out of line (STORAGE EXTERNAL + a small toast_tuple_target),
--   so a bitmap scan over the GIN index and the facet counts read a thin heap and never the long text;
-- * key_tsv, small and inline (STORAGE MAIN), holds what a match is mostly about (the name, weight A, and the
--   labels of the declared concepts, weight B) and gives every match a cheap first score; only the best few
--   hundred are then ranked on the full text.
-- * members_text / members_concept_ids hold validated members-only declarations, matched only for readers who are
--   entitled to them (members of the same cluster, its staff, region officers); public columns never include them.
ALTER TABLE search_document
  ADD COLUMN key_text text NOT NULL DEFAULT '',
  ADD COLUMN members_text text NOT NULL DEFAULT '',
  ADD COLUMN members_concept_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN key_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('italian'::regconfig, fold_text(name)), 'A')
    || setweight(to_tsvector('english'::regconfig, fold_text(name)), 'A')
    || setweight(to_tsvector('italian'::regconfig, fold_text(key_text)), 'B')
    || setweight(to_tsvector('english'::regconfig, fold_text(key_text)), 'B')
  ) STORED,
  ADD COLUMN members_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('italian'::regconfig, fold_text(members_text)) || to_tsvector('english'::regconfig, fold_text(members_text))
  ) STORED;

-- Long columns out of line, short ones (read for every match) inline and never compressed unless a row is huge.
ALTER TABLE search_document
  ALTER COLUMN tsv SET STORAGE EXTERNAL,
  ALTER COLUMN text_it SET STORAGE EXTERNAL,
  ALTER COLUMN text_en SET STORAGE EXTERNAL,
  ALTER COLUMN key_text SET STORAGE EXTERNAL,
  ALTER COLUMN members_text SET STORAGE EXTERNAL,
  ALTER COLUMN members_tsv SET STORAGE EXTERNAL,
  ALTER COLUMN key_tsv SET STORAGE MAIN,
  ALTER COLUMN name SET STORAGE MAIN,
  ALTER COLUMN concept_ids SET STORAGE MAIN,
  ALTER COLUMN members_concept_ids SET STORAGE MAIN,
  ALTER COLUMN provinces SET STORAGE MAIN,
  ALTER COLUMN cluster_ids SET STORAGE MAIN;
ALTER TABLE search_document SET (toast_tuple_target = 1024);

CREATE INDEX search_document_members_tsv_idx ON search_document USING gin (members_tsv);
CREATE INDEX search_document_members_concepts_idx ON search_document USING gin (members_concept_ids);
-- typo-tolerant organisation names (word similarity of the query to the folded name)
CREATE INDEX search_document_name_trgm_idx ON search_document USING gin (fold_text(name) gin_trgm_ops);

-- Facilities and linked CosIng ingredients are part of an organisation's document too.
CREATE TRIGGER facility_search_insert AFTER INSERT ON facility
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER facility_search_update AFTER UPDATE ON facility
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();
CREATE TRIGGER facility_search_delete AFTER DELETE ON facility
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_delete();
CREATE TRIGGER organisation_ingredient_search_insert AFTER INSERT ON organisation_ingredient
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER organisation_ingredient_search_update AFTER UPDATE ON organisation_ingredient
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();
CREATE TRIGGER organisation_ingredient_search_delete AFTER DELETE ON organisation_ingredient
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_delete();

-- Every organisation document is rebuilt with the new columns (and rewritten with the new storage).
INSERT INTO search_stale (type, id) SELECT 'organisation', id FROM organisation ON CONFLICT DO NOTHING;
