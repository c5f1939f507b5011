-- An invitation carries the organisation role it offers; the role is granted only when the invited
-- person accepts (not when the e-mail is sent). Password-reset tokens leave these columns empty.
ALTER TABLE one_time_token
  ADD COLUMN organisation_id uuid REFERENCES organisation (id) ON DELETE CASCADE,
  ADD COLUMN role text CHECK (role IN ('member', 'org_admin')),
  ADD COLUMN invited_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  ADD CONSTRAINT one_time_token_invitation_role_check
    CHECK ((organisation_id IS NULL) = (role IS NULL) AND (kind = 'invitation' OR organisation_id IS NULL));

CREATE INDEX one_time_token_organisation_idx ON one_time_token (organisation_id, user_id) WHERE organisation_id IS NOT NULL;
