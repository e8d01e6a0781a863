// name: services-without-duty
// purpose: An agency's services mapped to no duty of their own agency (R-4.1); `foreign_duties`
//   lists duties of other agencies they point to instead.
// requirement: R-4.1
// param agency: iri - the agency (e.g. agency/REG)
// subgraph: yes
MATCH (s:PublicService)-[:agency]->(a:Resource:PublicOrganisation {iri: $agency})
OPTIONAL MATCH (s)-[:follows]->(d:Duty)
OPTIONAL MATCH (d)-[:agency]->(da:PublicOrganisation)
WITH s, a, collect(DISTINCT CASE WHEN da.iri = a.iri THEN d.iri END) AS own,
     collect(DISTINCT CASE WHEN da.iri IS NULL OR da.iri <> a.iri THEN d.iri END) AS foreign_duties
WHERE size(own) = 0
RETURN s.iri AS service, s.`title@fa` AS title_fa, s.serviceId AS service_id, foreign_duties
ORDER BY service
