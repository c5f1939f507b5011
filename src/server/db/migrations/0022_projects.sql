-- Funded projects the member organisations took part in (EU framework programmes, LIFE, Interreg, national and
-- regional calls): public facts, declared by the organisations themselves or by their cluster's staff. One row per
-- project, shared by every organisation that declares it (the same programme and reference), so the platform knows
-- who has worked with whom. The search documents carry each organisation's projects (network_refs) and their text;
-- matchmaking uses the shared projects to bring forward the partners of its best matches (docs/matching.md).
CREATE TABLE project (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  programme text NOT NULL CHECK (programme IN ('fp7', 'h2020', 'horizon_europe', 'life', 'interreg', 'erasmus_plus',
                                               'eu_other', 'national', 'regional', 'other')),
  -- the grant agreement number or the programme's own identifier (CORDIS: the project id); unique per programme
  reference text CHECK (reference IS NULL OR length(reference) BETWEEN 1 AND 60),
  acronym text NOT NULL CHECK (length(acronym) BETWEEN 1 AND 60),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 400),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 8000),
  -- the language of title and summary
  language text NOT NULL DEFAULT 'en' CHECK (language IN ('it', 'en')),
  url text CHECK (url IS NULL OR url ~ '^https?://'),
  start_date date,
  end_date date CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX project_reference_key ON project (programme, reference) WHERE reference IS NOT NULL;

CREATE TABLE project_participant (
  project_id uuid NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'partner' CHECK (role IN ('coordinator', 'partner', 'associated', 'third_party')),
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX project_participant_organisation_idx ON project_participant (organisation_id);

-- A document's network: opaque references of the projects its organisation took part in ('project:<uuid>'; match-eval
-- indexes other references the same way). Profiles carry none: an anonymous owner must stay hidden.
ALTER TABLE search_document ADD COLUMN network_refs text[] NOT NULL DEFAULT '{}';
CREATE INDEX search_document_network_idx ON search_document USING gin (network_refs);

-- Participations change the participants' documents (the generic functions of 0014 read organisation_id).
CREATE TRIGGER project_participant_search_insert AFTER INSERT ON project_participant
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_insert();
CREATE TRIGGER project_participant_search_update AFTER UPDATE ON project_participant
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_organisation_stale();
CREATE TRIGGER project_participant_search_delete AFTER DELETE ON project_participant
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_stale_delete();

-- An edited project changes the documents of all its participants.
CREATE FUNCTION search_mark_project_stale() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    INSERT INTO search_stale (type, id)
      SELECT DISTINCT 'organisation', pp.organisation_id FROM project_participant pp
       WHERE pp.project_id IN (SELECT id FROM new_rows)
      ON CONFLICT DO NOTHING;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER project_search_update AFTER UPDATE ON project
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_mark_project_stale();
