-- The search vocabulary, folded once instead of at every query: every label and synonym of every concept in both
-- languages (accent-folded), and the words they are made of. A change to the taxonomy queues a rebuild in
-- search_stale (type 'vocabulary'); the search module rebuilds before it answers, as it does for documents.
CREATE TABLE concept_term (
  term text NOT NULL,
  concept_id text NOT NULL REFERENCES concept (id) ON DELETE CASCADE,
  PRIMARY KEY (term, concept_id)
);
CREATE INDEX concept_term_trgm_idx ON concept_term USING gin (term gin_trgm_ops);

CREATE TABLE concept_word (word text PRIMARY KEY);

CREATE FUNCTION refresh_concept_terms() RETURNS void
  LANGUAGE sql
  AS $$
    DELETE FROM concept_term;
    INSERT INTO concept_term (term, concept_id)
      SELECT DISTINCT fold_text(t), ce.id FROM concept_effective ce
        CROSS JOIN LATERAL unnest(ARRAY[ce.label_it, ce.label_en] || ce.synonyms_it || ce.synonyms_en) t
       WHERE NOT ce.retired AND fold_text(t) <> '';
    DELETE FROM concept_word;
    INSERT INTO concept_word (word)
      SELECT DISTINCT w FROM concept_term, regexp_split_to_table(term, '[^[:alnum:]]+') w WHERE w <> '';
  $$;

CREATE FUNCTION queue_concept_terms() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    INSERT INTO search_stale (type, id) VALUES ('vocabulary', '00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER concept_vocabulary AFTER INSERT OR UPDATE OR DELETE ON concept
  FOR EACH STATEMENT EXECUTE FUNCTION queue_concept_terms();
CREATE TRIGGER concept_override_vocabulary AFTER INSERT OR UPDATE OR DELETE ON concept_override
  FOR EACH STATEMENT EXECUTE FUNCTION queue_concept_terms();

SELECT refresh_concept_terms();
