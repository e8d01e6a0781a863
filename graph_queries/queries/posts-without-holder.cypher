// name: posts-without-holder
// purpose: Posts no employee holds: a service delivered through such a post has nobody to
//   deliver it (R-4.3), and the structure reform of R-11/R-12 starts from them.
// requirement: R-4.3
// param agency: iri? - only this agency's posts (all agencies when omitted)
MATCH (p:Post)-[:agency]->(a:PublicOrganisation)
WHERE $agency IS NULL OR a.iri = $agency
OPTIONAL MATCH (e:Employee)-[:holds]->(p)
WITH p, a, count(e) AS holders
WHERE holders = 0
OPTIONAL MATCH (p)-[:postIn]->(u:OrganizationalUnit)
OPTIONAL MATCH (s:PublicService)-[:deliveringPost]->(p)
RETURN p.iri AS post, p.`prefLabel@fa` AS title_fa, a.identifier AS agency, u.iri AS unit,
       collect(DISTINCT s.iri) AS services
ORDER BY post
