-- A declared participation in a project is a claim until the cluster's staff have checked it: it shows publicly, and
-- feeds matchmaking's "has worked on projects with", only once validated. Staff and platform admins who declare a
-- participation themselves validate it at once; a member's declaration waits in the staff's queue, and a rejection
-- carries a note for the organisation. Participations declared before this migration were never checked: they start
-- as submitted.
ALTER TABLE project_participant
  ADD COLUMN status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'validated', 'rejected')),
  ADD COLUMN review_note text CHECK (review_note IS NULL OR length(review_note) <= 2000),
  ADD COLUMN reviewed_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  ADD COLUMN reviewed_at timestamptz;

-- The staff's queue, oldest first.
CREATE INDEX project_participant_submitted_idx ON project_participant (created_at) WHERE status = 'submitted';

-- The documents of organisations with participations lose the projects that are no longer validated.
INSERT INTO search_stale (type, id)
  SELECT DISTINCT 'organisation', organisation_id FROM project_participant
  ON CONFLICT DO NOTHING;
