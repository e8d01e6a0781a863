// name: unrealized-duties
// purpose: An agency's duties that no service of the same agency is mapped to: the gap step 2
//   must close (R-4.1). Services of other agencies mapped to the duty do not count and are listed
//   in `foreign_services`.
// requirement: R-4.1
// param agency: iri - the agency (e.g. agency/REG)
// subgraph: yes
MATCH (d:Duty)-[:agency]->(a:Resource:PublicOrganisation {iri: $agency})
OPTIONAL MATCH (s:PublicService)-[:follows]->(d)
OPTIONAL MATCH (s)-[:agency]->(sa:PublicOrganisation)
WITH d, a, collect(DISTINCT CASE WHEN sa.iri = a.iri THEN s.iri END) AS own,
     collect(DISTINCT CASE WHEN sa.iri <> a.iri THEN s.iri END) AS foreign_services
WHERE size(own) = 0
RETURN d.iri AS duty, d.`title@fa` AS title_fa, d.dutyId AS duty_id, foreign_services
ORDER BY duty
