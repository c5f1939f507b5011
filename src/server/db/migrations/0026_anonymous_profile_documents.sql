-- An anonymous profile's search document no longer carries its owner's province, category and size class: the
-- competence search's facets and filters, and matchmaking's category boost, could narrow down who the owner is.
-- Documents indexed before this migration are scrubbed here; the marketplace indexes new ones without them.
UPDATE search_document d
   SET provinces = '{}', category = NULL, size_class = NULL
  FROM profile p
 WHERE d.type = 'profile' AND d.id = p.id AND p.anonymous;
