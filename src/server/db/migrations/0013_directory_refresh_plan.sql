-- Right after a bulk insert the planner's statistics still describe the tables as they were (possibly empty),
-- and it chose sequential scans for the per-organisation look-ups of the refresh: 10k seats took 15 s instead
-- of under 1 s. The refresh always looks up a few rows per organisation by index, so it says so.
ALTER FUNCTION refresh_organisation_directory(uuid[]) SET enable_seqscan = off;
