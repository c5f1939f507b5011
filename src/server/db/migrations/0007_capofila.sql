-- The capofila of a cluster is the membership whose role is 'capofila': one source of truth. The column
-- cluster.capofila_organisation_id stays (not read or written any more); where it named a capofila that the
-- memberships did not, its membership takes the role now, so no cluster loses its capofila.
UPDATE membership m SET role = 'promoter', updated_at = now()
  FROM cluster c
 WHERE c.id = m.cluster_id AND c.capofila_organisation_id IS NOT NULL
   AND m.role = 'capofila' AND m.status <> 'withdrawn' AND m.organisation_id <> c.capofila_organisation_id
   AND EXISTS (SELECT 1 FROM membership x
                WHERE x.cluster_id = c.id AND x.organisation_id = c.capofila_organisation_id AND x.status <> 'withdrawn');

UPDATE membership m SET role = 'capofila', updated_at = now()
  FROM cluster c
 WHERE c.id = m.cluster_id AND m.organisation_id = c.capofila_organisation_id
   AND m.status <> 'withdrawn' AND m.role <> 'capofila';

-- Several capofila memberships in one cluster: an active one before a suspended one, then the earliest, keeps the
-- role; the others become promoters.
UPDATE membership m SET role = 'promoter', updated_at = now()
 WHERE m.role = 'capofila' AND m.status <> 'withdrawn'
   AND EXISTS (SELECT 1 FROM membership x
                WHERE x.cluster_id = m.cluster_id AND x.role = 'capofila' AND x.status <> 'withdrawn'
                  AND x.id <> m.id
                  AND ((x.status = 'active') > (m.status = 'active')
                       OR ((x.status = 'active') = (m.status = 'active') AND (x.created_at, x.id) < (m.created_at, m.id))));

CREATE UNIQUE INDEX membership_one_capofila_idx ON membership (cluster_id) WHERE role = 'capofila' AND status <> 'withdrawn';
