-- Member competences and facilities. Declarations are validated by the staff of a cluster where the organisation
-- is an active member before the public sees them; editing a validated declaration sends it back to review.
CREATE TABLE organisation_competence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  concept_id text NOT NULL REFERENCES concept (id),
  kind text NOT NULL CHECK (kind IN ('produces', 'service', 'research')),
  description text,
  evidence text,
  visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members')),
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'validated', 'rejected')),
  review_note text,
  reviewed_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, concept_id, kind)
);
CREATE INDEX organisation_competence_concept_idx ON organisation_competence (concept_id);
CREATE INDEX organisation_competence_status_idx ON organisation_competence (status);

CREATE TABLE facility (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('laboratory', 'equipment', 'certified_service')),
  name text NOT NULL,
  description text,
  certification text,
  accreditation_reference text,
  concept_ids text[] NOT NULL DEFAULT '{}',
  visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members')),
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'validated', 'rejected')),
  review_note text,
  reviewed_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX facility_organisation_idx ON facility (organisation_id);
CREATE INDEX facility_status_idx ON facility (status);
