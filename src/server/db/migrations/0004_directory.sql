-- The directory's filters read derived columns of organisation, kept by triggers, so a filtered page is
-- one single-table query (TARGETS S1/S2) instead of correlated sub-queries over memberships, seats and ATECO codes.
ALTER TABLE organisation
  ADD COLUMN active_cluster_ids uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN province_acronyms text[] NOT NULL DEFAULT '{}',
  ADD COLUMN ateco_sections text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION refresh_organisation_directory(org uuid) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE organisation o SET
      active_cluster_ids = coalesce((SELECT array_agg(m.cluster_id ORDER BY m.cluster_id) FROM membership m
                                      WHERE m.organisation_id = org AND m.status = 'active'), '{}'),
      province_acronyms = coalesce((SELECT array_agg(DISTINCT p.acronym ORDER BY p.acronym) FROM seat s
                                      JOIN municipality mu ON mu.istat_code = s.municipality_code
                                      JOIN province p ON p.code = mu.province_code
                                     WHERE s.organisation_id = org), '{}'),
      ateco_sections = coalesce((SELECT array_agg(DISTINCT a.section ORDER BY a.section) FROM organisation_ateco oa
                                   JOIN ateco a ON a.code = oa.ateco_code
                                  WHERE oa.organisation_id = org), '{}')
    WHERE o.id = org
  $$;

CREATE FUNCTION organisation_directory_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      PERFORM refresh_organisation_directory(OLD.organisation_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id) THEN
      PERFORM refresh_organisation_directory(NEW.organisation_id);
    END IF;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER membership_directory AFTER INSERT OR UPDATE OF status, organisation_id, cluster_id OR DELETE ON membership
  FOR EACH ROW EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER seat_directory AFTER INSERT OR UPDATE OF municipality_code, organisation_id OR DELETE ON seat
  FOR EACH ROW EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER organisation_ateco_directory AFTER INSERT OR UPDATE OR DELETE ON organisation_ateco
  FOR EACH ROW EXECUTE FUNCTION organisation_directory_trigger();

SELECT refresh_organisation_directory(id) FROM organisation;

CREATE INDEX organisation_directory_name_idx ON organisation (lower(legal_name), id) WHERE active_cluster_ids <> '{}';
CREATE INDEX organisation_active_clusters_idx ON organisation USING gin (active_cluster_ids);
CREATE INDEX organisation_provinces_idx ON organisation USING gin (province_acronyms);

-- Exact directory totals are cached per data version: every statement that changes organisations (and so,
-- through the triggers above, memberships, seats and ATECO codes) bumps it in its own transaction.
CREATE TABLE directory_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL
);
INSERT INTO directory_version (version) VALUES (1);

CREATE FUNCTION bump_directory_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE directory_version SET version = version + 1;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER organisation_directory_version AFTER INSERT OR UPDATE OR DELETE ON organisation
  FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER cluster_directory_version AFTER UPDATE OF slug OR DELETE ON cluster
  FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
