// name: services-without-deliverer
// purpose: Services that name no delivering unit or post, or no delivering employee, which R-4.3
//   makes mandatory; with the counts of each so the auditor sees what is missing.
// requirement: R-4.3
// param agency: iri? - only this agency's services (all agencies when omitted)
MATCH (s:PublicService)-[:agency]->(a:PublicOrganisation)
WHERE $agency IS NULL OR a.iri = $agency
OPTIONAL MATCH (s)-[:deliveringUnit]->(u:OrganizationalUnit)
WITH s, a, count(DISTINCT u) AS units
OPTIONAL MATCH (s)-[:deliveringPost]->(p:Post)
WITH s, a, units, count(DISTINCT p) AS posts
OPTIONAL MATCH (s)-[:deliveringEmployee]->(e:Employee)
WITH s, a, units, posts, count(DISTINCT e) AS employees
WHERE units + posts = 0 OR employees = 0
RETURN s.iri AS service, s.`title@fa` AS title_fa, a.identifier AS agency,
       units, posts, employees
ORDER BY service
