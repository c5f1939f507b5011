-- The most common directory filter is the category: walk the names within it (1.05 ms → 0.32 ms for page 3
-- of companies in the province of Milan among 10k organisations, PostgreSQL 15).
CREATE INDEX organisation_directory_category_idx ON organisation (category, lower(legal_name), id) WHERE active_cluster_ids <> '{}';

-- size_class as first defined gave an unstated category (NULL NOT IN (…) is NULL) the company branches:
-- only companies and consortia have a size class.
ALTER TABLE organisation DROP COLUMN size_class;
ALTER TABLE organisation ADD COLUMN size_class text GENERATED ALWAYS AS (
  CASE
    WHEN category IS NULL OR category NOT IN ('company', 'consortium') THEN NULL
    WHEN staff_headcount IS NULL OR (annual_turnover_eur IS NULL AND balance_sheet_eur IS NULL) THEN 'unknown'
    WHEN staff_headcount < 10 AND (annual_turnover_eur <= 2000000 OR balance_sheet_eur <= 2000000) THEN 'micro'
    WHEN staff_headcount < 50 AND (annual_turnover_eur <= 10000000 OR balance_sheet_eur <= 10000000) THEN 'small'
    WHEN staff_headcount < 250 AND (annual_turnover_eur <= 50000000 OR balance_sheet_eur <= 43000000) THEN 'medium'
    ELSE 'large'
  END) STORED;
CREATE INDEX organisation_size_idx ON organisation (size_class);
