-- The directory's filters and the recognition requirements read derived columns of organisation, kept by
-- triggers, so a filtered page or a requirement is one single-table query (TARGETS S1, S2, S5) instead of
-- joins over memberships, seats and ATECO codes.
ALTER TABLE organisation
  ADD COLUMN active_cluster_ids uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN leader_cluster_ids uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN province_acronyms text[] NOT NULL DEFAULT '{}',
  -- ISTAT region codes of the operational seats; 'abroad' for an operational seat outside Italy.
  ADD COLUMN operational_regions text[] NOT NULL DEFAULT '{}',
  ADD COLUMN ateco_sections text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION refresh_organisation_directory(orgs uuid[]) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE organisation o SET active_cluster_ids = d.clusters, leader_cluster_ids = d.leaders, province_acronyms = d.provinces,
                              operational_regions = d.regions, ateco_sections = d.sections
      FROM (SELECT x.id,
                   coalesce((SELECT array_agg(m.cluster_id ORDER BY m.cluster_id) FROM membership m
                              WHERE m.organisation_id = x.id AND m.status = 'active'), '{}') AS clusters,
                   coalesce((SELECT array_agg(m.cluster_id ORDER BY m.cluster_id) FROM membership m
                              WHERE m.organisation_id = x.id AND m.status = 'active' AND m.is_leader_company), '{}') AS leaders,
                   coalesce((SELECT array_agg(DISTINCT coalesce(p.region_code, 'abroad') ORDER BY coalesce(p.region_code, 'abroad'))
                               FROM seat s
                               LEFT JOIN municipality mu ON mu.istat_code = s.municipality_code
                               LEFT JOIN province p ON p.code = mu.province_code
                              WHERE s.organisation_id = x.id AND s.kind = 'operational'), '{}') AS regions,
                   coalesce((SELECT array_agg(DISTINCT p.acronym ORDER BY p.acronym) FROM seat s
                              JOIN municipality mu ON mu.istat_code = s.municipality_code
                              JOIN province p ON p.code = mu.province_code
                             WHERE s.organisation_id = x.id), '{}') AS provinces,
                   coalesce((SELECT array_agg(DISTINCT a.section ORDER BY a.section) FROM organisation_ateco oa
                              JOIN ateco a ON a.code = oa.ateco_code
                             WHERE oa.organisation_id = x.id), '{}') AS sections
              FROM unnest(orgs) AS x(id)) d
     WHERE o.id = d.id
       AND (o.active_cluster_ids, o.leader_cluster_ids, o.province_acronyms, o.operational_regions, o.ateco_sections)
           IS DISTINCT FROM (d.clusters, d.leaders, d.provinces, d.regions, d.sections)
  $$;

-- Statement-level, over the transition tables: a bulk import refreshes each organisation once per statement.
CREATE FUNCTION organisation_directory_trigger() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM refresh_organisation_directory(ARRAY(SELECT DISTINCT organisation_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM refresh_organisation_directory(ARRAY(SELECT organisation_id FROM new_rows UNION SELECT organisation_id FROM old_rows));
    ELSE
      PERFORM refresh_organisation_directory(ARRAY(SELECT DISTINCT organisation_id FROM old_rows));
    END IF;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER membership_directory_insert AFTER INSERT ON membership
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER membership_directory_update AFTER UPDATE ON membership
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER membership_directory_delete AFTER DELETE ON membership
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER seat_directory_insert AFTER INSERT ON seat
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER seat_directory_update AFTER UPDATE ON seat
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER seat_directory_delete AFTER DELETE ON seat
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER organisation_ateco_directory_insert AFTER INSERT ON organisation_ateco
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER organisation_ateco_directory_update AFTER UPDATE ON organisation_ateco
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();
CREATE TRIGGER organisation_ateco_directory_delete AFTER DELETE ON organisation_ateco
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_directory_trigger();

SELECT refresh_organisation_directory(ARRAY(SELECT id FROM organisation));

CREATE INDEX organisation_directory_name_idx ON organisation (lower(legal_name), id) WHERE active_cluster_ids <> '{}';
CREATE INDEX organisation_active_clusters_idx ON organisation USING gin (active_cluster_ids);
CREATE INDEX organisation_provinces_idx ON organisation USING gin (province_acronyms);

-- Exact directory totals are cached per data version. The version is bumped once per transaction that
-- changes organisations (and so, through the triggers above, memberships, seats and ATECO codes), at commit
-- time by a deferred trigger: the version row is the last lock such a transaction takes, so it cannot deadlock.
CREATE TABLE directory_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL
);
INSERT INTO directory_version (version) VALUES (1);

CREATE FUNCTION bump_directory_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF current_setting('filiera.directory_bumped', true) IS DISTINCT FROM 'yes' THEN
      PERFORM set_config('filiera.directory_bumped', 'yes', true);
      UPDATE directory_version SET version = version + 1;
    END IF;
    RETURN NULL;
  END
  $$;

CREATE CONSTRAINT TRIGGER organisation_directory_version AFTER INSERT OR UPDATE OR DELETE ON organisation
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
CREATE CONSTRAINT TRIGGER cluster_directory_version AFTER UPDATE OF slug ON cluster
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
