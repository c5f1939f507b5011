-- Search module: one row per searchable document (organisations for now). The text is accent-folded with
-- fold_text() and indexed with both the Italian and the English configuration, in a stored generated column
-- (13–33× faster than an expression index). Documents hold only what every reader may see: the public
-- content of organisations with an active membership and their validated, public competences.
CREATE TABLE search_document (
  type text NOT NULL CHECK (type IN ('organisation')),
  id uuid NOT NULL,
  cluster_ids uuid[] NOT NULL DEFAULT '{}',
  name text NOT NULL,
  text_it text NOT NULL DEFAULT '',
  text_en text NOT NULL DEFAULT '',
  concept_ids text[] NOT NULL DEFAULT '{}',
  provinces text[] NOT NULL DEFAULT '{}',
  category text,
  size_class text,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('italian'::regconfig, fold_text(name)), 'A')
    || setweight(to_tsvector('english'::regconfig, fold_text(name)), 'A')
    || to_tsvector('italian'::regconfig, fold_text(text_it || ' ' || text_en))
    || to_tsvector('english'::regconfig, fold_text(text_it || ' ' || text_en))
  ) STORED,
  indexed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, id)
);
CREATE INDEX search_document_tsv_idx ON search_document USING gin (tsv);
CREATE INDEX search_document_concepts_idx ON search_document USING gin (concept_ids);
CREATE INDEX search_document_provinces_idx ON search_document USING gin (provinces);

-- Organisations whose document must be rebuilt. Triggers below fill it on every change that can alter a
-- document; the search module rebuilds the stale documents (set-based) before it answers a query.
CREATE TABLE search_stale (
  type text NOT NULL,
  id uuid NOT NULL,
  PRIMARY KEY (type, id)
);

CREATE FUNCTION search_mark_organisation_stale() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_TABLE_NAME = 'organisation' THEN
      INSERT INTO search_stale (type, id)
        SELECT 'organisation', x.id FROM (SELECT id FROM new_rows UNION SELECT id FROM old_rows) x
        ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'concept_override' THEN
      INSERT INTO search_stale (type, id)
        SELECT DISTINCT 'organisation', c.organisation_id FROM organisation_competence c
         WHERE c.concept_id IN (SELECT concept_id FROM new_rows UNION SELECT concept_id FROM old_rows)
        ON CONFLICT DO NOTHING;
    ELSE
      INSERT INTO search_stale (type, id)
        SELECT 'organisation', x.organisation_id FROM (SELECT organisation_id FROM new_rows UNION SELECT organisation_id FROM old_rows) x
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
  END
  $$;

-- Transition tables: INSERT and DELETE statements get an empty stand-in for the missing side.
CREATE FUNCTION search_mark_stale_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_TABLE_NAME = 'organisation' THEN
      INSERT INTO search_stale (type, id) SELECT 'organisation', id FROM new_rows ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'concept_override' THEN
      INSERT INTO search_stale (type, id)
        SELECT DISTINCT 'organisation', c.organisation_id FROM organisation_competence c
         WHERE c.concept_id IN (SELECT concept_id FROM new_rows)
        ON CONFLICT DO NOTHING;
    ELSE
      INSERT INTO search_stale (type, id) SELECT DISTINCT 'organisation', organisation_id FROM new_rows ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
  END
  $$;

CREATE FUNCTION search_mark_stale_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_TABLE_NAME = 'organisation' THEN
      INSERT INTO search_stale (type, id) SELECT 'organisation', id FROM old_rows ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'concept_override' THEN
      INSERT INTO search_stale (type, id)
        SELECT DISTINCT 'organisation', c.organisation_id FROM organisation_competence c
         WHERE c.concept_id IN (SELECT concept_id FROM old_rows)
        ON CONFLICT DO NOTHING;
    ELSE
      INSERT INTO search_stale (type, id) SELECT DISTINCT 'organisation', organisation_id FROM old_rows ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER organisation_search_insert AFTER INSERT ON organisation
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER organisation_search_update AFTER UPDATE ON organisation
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();
CREATE TRIGGER organisation_search_delete AFTER DELETE ON organisation
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_delete();
CREATE TRIGGER competence_search_insert AFTER INSERT ON organisation_competence
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER competence_search_update AFTER UPDATE ON organisation_competence
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();
CREATE TRIGGER competence_search_delete AFTER DELETE ON organisation_competence
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_delete();
CREATE TRIGGER concept_override_search_insert AFTER INSERT ON concept_override
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER concept_override_search_update AFTER UPDATE ON concept_override
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();

INSERT INTO search_stale (type, id) SELECT 'organisation', id FROM organisation;
