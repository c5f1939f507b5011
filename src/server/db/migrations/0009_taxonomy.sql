-- Competence taxonomy of the value chain. Rows come from data/taxonomy/ (reference data, loaded at start);
-- staff edits live in concept_override so that a new version of the file never erases them.
CREATE TABLE concept (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(\.[a-z0-9-]+)*$'),
  scheme text NOT NULL CHECK (scheme IN ('stage', 'technology', 'product', 'function')),
  parent_id text REFERENCES concept (id) DEFERRABLE INITIALLY DEFERRED,
  position integer NOT NULL DEFAULT 0,
  label_it text NOT NULL,
  label_en text NOT NULL,
  definition_it text,
  definition_en text,
  synonyms_it text[] NOT NULL DEFAULT '{}',
  synonyms_en text[] NOT NULL DEFAULT '{}',
  ateco_codes text[] NOT NULL DEFAULT '{}',
  cosing_function text,
  -- file name and version the row was last loaded from
  source text NOT NULL,
  -- gone from the latest file: kept (competences may point at it), hidden from lists
  retired boolean NOT NULL DEFAULT false,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX concept_scheme_idx ON concept (scheme, position);
CREATE INDEX concept_parent_idx ON concept (parent_id);
CREATE INDEX concept_ateco_idx ON concept USING gin (ateco_codes);

-- A null field means "as in the file".
CREATE TABLE concept_override (
  concept_id text PRIMARY KEY REFERENCES concept (id),
  label_it text,
  label_en text,
  definition_it text,
  definition_en text,
  synonyms_it text[],
  synonyms_en text[],
  updated_by uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE VIEW concept_effective AS
SELECT c.id, c.scheme, c.parent_id, c.position,
       COALESCE(o.label_it, c.label_it) AS label_it,
       COALESCE(o.label_en, c.label_en) AS label_en,
       COALESCE(o.definition_it, c.definition_it) AS definition_it,
       COALESCE(o.definition_en, c.definition_en) AS definition_en,
       COALESCE(o.synonyms_it, c.synonyms_it) AS synonyms_it,
       COALESCE(o.synonyms_en, c.synonyms_en) AS synonyms_en,
       c.ateco_codes, c.cosing_function, c.source, c.retired,
       o.concept_id IS NOT NULL AS overridden, o.updated_by, o.updated_at
  FROM concept c LEFT JOIN concept_override o ON o.concept_id = c.id;
