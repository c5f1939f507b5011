-- Matchmaking ranking (search.match.ts): document frequencies of the search index's lexemes, for the IDF weight of
-- each word of a need. Counting each word of a long need through the GIN index costs one index scan per word
-- (≈ 0.5 s for a 300-word need on PGlite); one lookup here costs one index probe per word. Rebuilt from ts_stat()
-- over search_document when the index has changed enough (see refreshMatchStatistics), so the figures may lag
-- a little behind the newest documents: a word absent from the table counts as rare.
CREATE TABLE search_lexeme_stat (
  lexeme text PRIMARY KEY,
  ndoc integer NOT NULL
);

-- One row: how many documents the figures above describe, their mean length in lexemes, and when they were taken.
CREATE TABLE search_match_stat (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  documents integer NOT NULL,
  avg_length double precision NOT NULL,
  stamp text NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT now(),
  checked_at timestamptz NOT NULL DEFAULT now()
);
