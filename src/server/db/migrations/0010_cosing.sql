-- CosIng (European Commission database of cosmetic ingredients, Regulation (EC) No 1223/2009).
-- Rows come from data/cosing/ through the reference-data loader; this file holds the schema only.

CREATE TABLE cosing_ingredient (
  inci_name text PRIMARY KEY,
  cas_numbers text[] NOT NULL DEFAULT '{}',
  ec_numbers text[] NOT NULL DEFAULT '{}',
  functions text[] NOT NULL DEFAULT '{}',
  name_search text GENERATED ALWAYS AS (fold_text(inci_name)) STORED
);
CREATE INDEX cosing_ingredient_name_search_idx ON cosing_ingredient USING gin (name_search gin_trgm_ops);
CREATE INDEX cosing_ingredient_cas_idx ON cosing_ingredient USING gin (cas_numbers);

-- The Annexes repeat some reference numbers (e.g. Annex II no. 38 lists three coal-tar substances;
-- Annex III no. 196 and 269 name two different substances each): seq tells them apart, in file order.
CREATE TABLE cosing_annex_entry (
  annex text NOT NULL CHECK (annex IN ('II', 'III', 'IV', 'V', 'VI')),
  reference text NOT NULL,
  seq smallint NOT NULL DEFAULT 1,
  substance_name text NOT NULL,
  glossary_name text,
  cas_numbers text[] NOT NULL DEFAULT '{}',
  ec_numbers text[] NOT NULL DEFAULT '{}',
  colour text,
  product_type text,
  max_concentration text,
  other_limits text,
  conditions text,
  regulation text,
  cmr text,
  update_date date,
  PRIMARY KEY (annex, reference, seq)
);
CREATE INDEX cosing_annex_entry_cas_idx ON cosing_annex_entry USING gin (cas_numbers);

CREATE TABLE cosing_annex_ingredient (
  annex text NOT NULL,
  reference text NOT NULL,
  seq smallint NOT NULL,
  inci_name text NOT NULL REFERENCES cosing_ingredient (inci_name),
  matched_by text NOT NULL CHECK (matched_by IN ('name', 'cas')),
  PRIMARY KEY (annex, reference, seq, inci_name),
  FOREIGN KEY (annex, reference, seq) REFERENCES cosing_annex_entry (annex, reference, seq) ON DELETE CASCADE
);
CREATE INDEX cosing_annex_ingredient_inci_idx ON cosing_annex_ingredient (inci_name);

-- Ingredients a member organisation supplies or researches, shown on the ingredient's page.
CREATE TABLE organisation_ingredient (
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  inci_name text NOT NULL REFERENCES cosing_ingredient (inci_name),
  relation text NOT NULL CHECK (relation IN ('supplies', 'researches')),
  note text CHECK (length(note) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, inci_name, relation)
);
CREATE INDEX organisation_ingredient_inci_idx ON organisation_ingredient (inci_name);
