-- Reference geography (ISTAT) and classifications (ATECO 2025): loaded from data/ at start-up, not here.
CREATE TABLE region (
  code text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE province (
  code text PRIMARY KEY,
  acronym text NOT NULL UNIQUE,
  name text NOT NULL,
  region_code text NOT NULL REFERENCES region (code)
);

CREATE TABLE municipality (
  istat_code text PRIMARY KEY,
  name text NOT NULL,
  province_code text NOT NULL REFERENCES province (code),
  cadastral_code text
);
CREATE INDEX municipality_province_idx ON municipality (province_code);
CREATE INDEX municipality_name_idx ON municipality (lower(name));

CREATE TABLE ateco (
  code text PRIMARY KEY,
  level smallint NOT NULL,
  parent_code text,
  section text NOT NULL,
  title_it text NOT NULL,
  title_en text NOT NULL
);
CREATE INDEX ateco_section_idx ON ateco (section);

CREATE TABLE reference_load (
  name text PRIMARY KEY,
  hash text NOT NULL,
  row_count integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- Organisations: one row per legal entity across clusters.
CREATE TABLE organisation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  legal_name text NOT NULL CHECK (length(btrim(legal_name)) > 0),
  short_name text,
  -- NULL while nobody has stated it: the requirement engine then reports the evidence as missing.
  category text CHECK (category IN (
    'university', 'research_institute', 'irccs',
    'company', 'consortium',
    'trade_association', 'chamber_of_commerce',
    'public_institution', 'private_institution', 'hospital')),
  vat_country char(2),
  vat_number text,
  tax_code text,
  staff_headcount numeric(10, 1) CHECK (staff_headcount >= 0),
  annual_turnover_eur numeric(16, 2) CHECK (annual_turnover_eur >= 0),
  balance_sheet_eur numeric(16, 2) CHECK (balance_sheet_eur >= 0),
  -- Recommendation 2003/361/EC: staff headcount plus turnover OR balance-sheet total; never typed by hand.
  size_class text GENERATED ALWAYS AS (
    CASE
      WHEN category NOT IN ('company', 'consortium') THEN NULL
      WHEN staff_headcount IS NULL OR (annual_turnover_eur IS NULL AND balance_sheet_eur IS NULL) THEN 'unknown'
      WHEN staff_headcount < 10 AND (annual_turnover_eur <= 2000000 OR balance_sheet_eur <= 2000000) THEN 'micro'
      WHEN staff_headcount < 50 AND (annual_turnover_eur <= 10000000 OR balance_sheet_eur <= 10000000) THEN 'small'
      WHEN staff_headcount < 250 AND (annual_turnover_eur <= 50000000 OR balance_sheet_eur <= 43000000) THEN 'medium'
      ELSE 'large'
    END) STORED,
  website text,
  description_it text,
  description_en text,
  verified boolean NOT NULL DEFAULT false,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((vat_number IS NULL) = (vat_country IS NULL))
);
CREATE UNIQUE INDEX organisation_vat_idx ON organisation (vat_country, vat_number) WHERE vat_number IS NOT NULL;
CREATE UNIQUE INDEX organisation_tax_code_idx ON organisation (tax_code) WHERE tax_code IS NOT NULL;
CREATE INDEX organisation_category_idx ON organisation (category);
CREATE INDEX organisation_size_idx ON organisation (size_class);
CREATE INDEX organisation_name_idx ON organisation (lower(legal_name), id);

CREATE TABLE seat (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('legal', 'operational')),
  country char(2) NOT NULL DEFAULT 'IT',
  municipality_code text REFERENCES municipality (istat_code),
  foreign_city text,
  address text,
  CHECK ((country = 'IT') = (municipality_code IS NOT NULL))
);
CREATE INDEX seat_organisation_idx ON seat (organisation_id, kind);
CREATE INDEX seat_municipality_idx ON seat (municipality_code);

CREATE TABLE organisation_ateco (
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  ateco_code text NOT NULL REFERENCES ateco (code),
  is_primary boolean NOT NULL DEFAULT false,
  PRIMARY KEY (organisation_id, ateco_code)
);
CREATE INDEX organisation_ateco_code_idx ON organisation_ateco (ateco_code);

-- Clusters: one installation hosts several.
CREATE TABLE cluster (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
  name_it text NOT NULL,
  name_en text NOT NULL,
  short_name text,
  description_it text,
  description_en text,
  association_name text,
  legal_form text,
  legal_personality boolean,
  legal_personality_evidence text,
  constituted_on date,
  statute_registered_on date,
  statute_registration_office text,
  partnership_agreement_signed_on date,
  partnership_agreement_reference text,
  capofila_organisation_id uuid REFERENCES organisation (id),
  recognition_application_on date,
  recognition_application_protocol text,
  recognition_assessment text,
  recognition_decree_number text,
  recognition_decree_on date,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Users and roles.
CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text,
  locale text NOT NULL DEFAULT 'it' CHECK (locale IN ('it', 'en')),
  is_demo boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));

CREATE TABLE user_role (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('member', 'org_admin', 'staff', 'region', 'platform_admin')),
  cluster_id uuid REFERENCES cluster (id) ON DELETE CASCADE,
  organisation_id uuid REFERENCES organisation (id) ON DELETE CASCADE,
  granted_by uuid REFERENCES app_user (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role NOT IN ('member', 'org_admin') OR organisation_id IS NOT NULL),
  CHECK (role <> 'staff' OR cluster_id IS NOT NULL)
);
CREATE UNIQUE INDEX user_role_unique_idx ON user_role (
  user_id, role,
  coalesce(cluster_id, '00000000-0000-0000-0000-000000000000'::uuid),
  coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid));
CREATE INDEX user_role_organisation_idx ON user_role (organisation_id);

CREATE TABLE session (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text,
  ip text
);
CREATE INDEX session_user_idx ON session (user_id);
CREATE INDEX session_expires_idx ON session (expires_at);

-- One-time tokens (password reset, invitation): only the hash is stored.
CREATE TABLE one_time_token (
  token_hash text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('password_reset', 'invitation')),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX one_time_token_user_idx ON one_time_token (user_id, kind);

CREATE TABLE api_token (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  scope text NOT NULL CHECK (scope IN ('read', 'read_write')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Admission: applications are their own records; membership follows approval.
CREATE TABLE application (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES cluster (id),
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
  data jsonb NOT NULL,
  checks jsonb NOT NULL DEFAULT '[]'::jsonb,
  applicant_email text NOT NULL,
  locale text NOT NULL DEFAULT 'it' CHECK (locale IN ('it', 'en')),
  submitted_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by uuid REFERENCES app_user (id),
  board_meeting_on date,
  decision_reason text,
  organisation_id uuid REFERENCES organisation (id),
  membership_id uuid
);
CREATE INDEX application_cluster_status_idx ON application (cluster_id, status, submitted_at);

CREATE TABLE membership (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES cluster (id),
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('capofila', 'promoter', 'member')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'withdrawn')),
  is_leader_company boolean NOT NULL DEFAULT false,
  leader_reason text,
  joined_on date NOT NULL DEFAULT CURRENT_DATE,
  left_on date,
  application_id uuid REFERENCES application (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cluster_id, organisation_id),
  CHECK (NOT is_leader_company OR leader_reason IS NOT NULL)
);
CREATE INDEX membership_cluster_status_idx ON membership (cluster_id, status);
CREATE INDEX membership_organisation_idx ON membership (organisation_id);
ALTER TABLE application ADD CONSTRAINT application_membership_fk FOREIGN KEY (membership_id) REFERENCES membership (id);

CREATE TABLE membership_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  membership_id uuid NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('admitted', 'suspended', 'reinstated', 'withdrawn', 'leader_set', 'leader_unset', 'role_changed')),
  reason text,
  decided_on date,
  actor_user_id uuid REFERENCES app_user (id),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX membership_event_membership_idx ON membership_event (membership_id, at);

-- Audit log of every decision and role change.
CREATE TABLE audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid REFERENCES app_user (id),
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  cluster_id uuid REFERENCES cluster (id),
  before jsonb,
  after jsonb,
  ip text
);
CREATE INDEX audit_event_cluster_idx ON audit_event (cluster_id, at DESC);
CREATE INDEX audit_event_at_idx ON audit_event (at DESC);
CREATE INDEX audit_event_subject_idx ON audit_event (subject_type, subject_id);

-- Rate-limit state shared by every instance (login, password reset, applications).
CREATE TABLE rate_limit (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);

-- Background work: survives restarts, claimed with SKIP LOCKED so two instances never run one job twice.
CREATE TABLE job (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  locked_at timestamptz,
  locked_by text,
  done_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_pending_idx ON job (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
