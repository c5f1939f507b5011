-- Organisation directory: accent-insensitive name search and lookups that serve the directory's filters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Case- and accent-folding without the unaccent extension, whose function is not immutable (so not indexable).
CREATE FUNCTION fold_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(translate($1,
    'ÀÁÂÄÃÅÈÉÊËÌÍÎÏÒÓÔÖÕÙÚÛÜÇÑÝàáâäãåèéêëìíîïòóôöõùúûüçñýÿ''’`',
    'AAAAAAEEEEIIIIOOOOOUUUUCNYaaaaaaeeeeiiiiooooouuuucnyy   ')) $$;

ALTER TABLE organisation
  ADD COLUMN name_search text GENERATED ALWAYS AS (fold_text(legal_name || ' ' || coalesce(short_name, ''))) STORED;
CREATE INDEX organisation_name_search_idx ON organisation USING gin (name_search gin_trgm_ops);

CREATE INDEX municipality_fold_idx ON municipality (fold_text(name) text_pattern_ops);
CREATE INDEX ateco_title_it_idx ON ateco USING gin (fold_text(title_it) gin_trgm_ops);
CREATE INDEX ateco_title_en_idx ON ateco USING gin (fold_text(title_en) gin_trgm_ops);

-- The public directory lists organisations with an active membership.
CREATE INDEX membership_active_organisation_idx ON membership (organisation_id, cluster_id) WHERE status = 'active';
