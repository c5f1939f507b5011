-- Bulk imports by cluster staff: a validated batch waits here until confirmed, then a job applies it in chunks.
CREATE TABLE import_batch (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES cluster (id),
  created_by uuid REFERENCES app_user (id),
  status text NOT NULL DEFAULT 'validated' CHECK (status IN ('validated', 'applying', 'done', 'failed')),
  file_name text NOT NULL,
  row_count int NOT NULL,
  errors jsonb NOT NULL DEFAULT '[]',
  rows jsonb NOT NULL DEFAULT '[]',
  progress int NOT NULL DEFAULT 0,
  created_count int NOT NULL DEFAULT 0,
  updated_count int NOT NULL DEFAULT 0,
  joined_count int NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX import_batch_cluster_idx ON import_batch (cluster_id, created_at DESC);
