-- Facet counts (TARGETS S4) unnest and hash the concepts of every match of a query: 19k matches of a common word
-- are ~100k concepts. As small integers they hash and compare cheaper than their text ids, and the matches carried
-- through the search statement get thinner. A concept's code never changes (the taxonomy loader upserts by id).
ALTER TABLE concept ADD COLUMN code integer GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX concept_code_idx ON concept (code);

-- The codes of concept_ids and members_concept_ids, kept beside them by the search module.
ALTER TABLE search_document
  ADD COLUMN concept_codes integer[] NOT NULL DEFAULT '{}',
  ADD COLUMN members_concept_codes integer[] NOT NULL DEFAULT '{}';
ALTER TABLE search_document
  ALTER COLUMN concept_codes SET STORAGE MAIN,
  ALTER COLUMN members_concept_codes SET STORAGE MAIN;

UPDATE search_document d
   SET concept_codes = ARRAY(SELECT c.code FROM concept c WHERE c.id = ANY(d.concept_ids) ORDER BY c.code),
       members_concept_codes = ARRAY(SELECT c.code FROM concept c WHERE c.id = ANY(d.members_concept_ids) ORDER BY c.code)
 WHERE d.concept_ids <> '{}' OR d.members_concept_ids <> '{}';
