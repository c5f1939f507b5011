-- One pending application per tax identity and cluster, enforced by the database: the check before the
-- insert cannot see a concurrent submission. The keys are the normalised tax identity the domain stores
-- (VAT as COUNTRY:NUMBER, codice fiscale upper-case); either one matching an application waiting for a
-- decision is a conflict.
ALTER TABLE application
  ADD COLUMN vat_key text,
  ADD COLUMN tax_code_key text;

WITH keyed AS (
  SELECT id, cluster_id, status, submitted_at,
         CASE WHEN coalesce(data->'organisation'->>'vatNumber', '') <> ''
              THEN upper(coalesce(nullif(data->'organisation'->>'vatCountry', ''), 'IT')) || ':' || upper(data->'organisation'->>'vatNumber')
         END AS vat_key,
         CASE WHEN coalesce(data->'organisation'->>'taxCode', '') <> '' THEN upper(data->'organisation'->>'taxCode') END AS tax_code_key
    FROM application
), ranked AS (
  SELECT id, status, vat_key, tax_code_key,
         row_number() OVER (PARTITION BY cluster_id, status, vat_key ORDER BY submitted_at, id) AS vat_rank,
         row_number() OVER (PARTITION BY cluster_id, status, tax_code_key ORDER BY submitted_at, id) AS tax_code_rank
    FROM keyed
)
-- Duplicates already waiting (submitted before this rule) keep only the oldest one keyed.
UPDATE application a
   SET vat_key = CASE WHEN r.status <> 'submitted' OR r.vat_rank = 1 THEN r.vat_key END,
       tax_code_key = CASE WHEN r.status <> 'submitted' OR r.tax_code_rank = 1 THEN r.tax_code_key END
  FROM ranked r
 WHERE r.id = a.id;

CREATE UNIQUE INDEX application_pending_vat_idx ON application (cluster_id, vat_key) WHERE status = 'submitted';
CREATE UNIQUE INDEX application_pending_tax_code_idx ON application (cluster_id, tax_code_key) WHERE status = 'submitted';
