-- Technology-transfer marketplace: profiles in the shape the Enterprise Europe Network made standard, expressions
-- of interest, the collaborations they open, and saved searches. A profile belongs to one organisation and is
-- published in one cluster (the cluster whose staff validate it); its owner must be an active member there.
CREATE TABLE profile (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES cluster (id),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('technology_offer', 'technology_request', 'rd_partner_search', 'business_offer',
                                     'business_request', 'lab_service')),
  title_it text,
  title_en text,
  summary_it text,
  summary_en text,
  description_it text,
  description_en text,
  innovation_it text,
  innovation_en text,
  -- one language is enough, but the title of at least one must be there from the first draft
  CHECK (title_it IS NOT NULL OR title_en IS NOT NULL),
  development_stage text CHECK (development_stage IN ('idea', 'lab_tested', 'prototype', 'field_tested', 'on_market')),
  trl smallint CHECK (trl BETWEEN 1 AND 9),
  ipr_status text[] NOT NULL DEFAULT '{}'
    CHECK (ipr_status <@ ARRAY['secret_know_how', 'patent_applied', 'patent_granted', 'copyright', 'other']::text[]),
  ipr_comment text,
  partnership_types text[] NOT NULL DEFAULT '{}'
    CHECK (partnership_types <@ ARRAY['licence', 'commercial_technical_assistance', 'research_cooperation', 'technical_cooperation',
                                      'joint_venture', 'subcontracting', 'manufacturing']::text[]),
  -- the kinds of partner sought, by the decree's organisation categories (research_organisation, company, …)
  partner_categories text[] NOT NULL DEFAULT '{}',
  partner_sought text,
  concept_ids text[] NOT NULL DEFAULT '{}',
  ateco_codes text[] NOT NULL DEFAULT '{}',
  deadline date,
  valid_until date,
  anonymous boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'published', 'expired', 'closed')),
  return_reason text,
  submitted_at timestamptz,
  reviewed_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  published_at timestamptz,
  closed_at timestamptz,
  reminded_30_at timestamptz,
  reminded_7_at timestamptz,
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profile_cluster_status_idx ON profile (cluster_id, status);
CREATE INDEX profile_organisation_idx ON profile (organisation_id);
CREATE INDEX profile_published_until_idx ON profile (valid_until) WHERE status = 'published';
CREATE INDEX profile_concepts_idx ON profile USING gin (concept_ids);

-- An expression of interest in a profile, from one organisation; one open expression per organisation and profile.
CREATE TABLE interest (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  profile_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  message text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
  decline_reason text CHECK (decline_reason IN ('too_early', 'not_a_fit', 'benefit_unclear', 'has_partner', 'other')),
  decline_comment text,
  decided_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  decided_at timestamptz,
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);
CREATE UNIQUE INDEX interest_open_idx ON interest (profile_id, organisation_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX interest_organisation_idx ON interest (organisation_id);

-- An accepted interest opens a collaboration; staff of the profile's cluster follow it to an outcome.
CREATE TABLE collaboration (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  interest_id uuid NOT NULL UNIQUE REFERENCES interest (id) ON DELETE CASCADE,
  profile_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  cluster_id uuid NOT NULL REFERENCES cluster (id),
  owner_organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  partner_organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  stage text NOT NULL DEFAULT 'contact' CHECK (stage IN ('contact', 'nda', 'proposal', 'agreement_signed', 'project_started')),
  outcome text CHECK (outcome IN ('licence', 'research_contract', 'joint_project', 'funded_project', 'none')),
  outcome_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collaboration_cluster_idx ON collaboration (cluster_id);

-- Every stage or outcome change, for the history and the cluster's reports.
CREATE TABLE collaboration_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  collaboration_id uuid NOT NULL REFERENCES collaboration (id) ON DELETE CASCADE,
  stage text,
  outcome text,
  note text,
  actor_id uuid REFERENCES app_user (id) ON DELETE SET NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collaboration_event_collaboration_idx ON collaboration_event (collaboration_id, at);

-- A member's saved matchmaking search: a digest e-mail when a new matching profile is published.
CREATE TABLE saved_search (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name text NOT NULL,
  query text NOT NULL,
  filters jsonb NOT NULL DEFAULT '{}',
  frequency text NOT NULL DEFAULT 'weekly' CHECK (frequency IN ('immediate', 'daily', 'weekly')),
  locale text NOT NULL DEFAULT 'it' CHECK (locale IN ('it', 'en')),
  last_checked_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_search_user_idx ON saved_search (user_id);

-- Published profiles are search documents too (their text, concepts and cluster; never the owner of an
-- anonymous profile).
ALTER TABLE search_document DROP CONSTRAINT search_document_type_check;
ALTER TABLE search_document ADD CONSTRAINT search_document_type_check CHECK (type IN ('organisation', 'profile'));
-- the profile type, so matchmaking can ask for offers only, requests only, …
ALTER TABLE search_document ADD COLUMN subtype text;
