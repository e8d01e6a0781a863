// name: services-without-plan
// purpose: Services holding a service ID that no improvement plan improves (R-5.1): services
//   withdrawn are left out, and plans withdrawn or rejected do not count.
// requirement: R-5.1
// param agency: iri? - only this agency's services (e.g. agency/SABT); every agency when omitted
MATCH (s:PublicService)-[:agency]->(a:Resource)
WHERE s.serviceId IS NOT NULL AND ($agency IS NULL OR a.iri = $agency)
OPTIONAL MATCH (s)-[:status]->(ss:Resource)
WITH a, s, ss
WHERE ss IS NULL OR NOT ss.iri ENDS WITH '/status/withdrawn'
OPTIONAL MATCH (p:ImprovementPlan)-[:improves]->(s)
OPTIONAL MATCH (p)-[:status]->(ps:Resource)
WITH a, s, collect(CASE WHEN ps IS NULL OR NOT (ps.iri ENDS WITH '/status/withdrawn'
                                                OR ps.iri ENDS WITH '/status/rejected')
                        THEN p.iri END) AS plans
WHERE size(plans) = 0
RETURN a.identifier AS agency, s.iri AS service, s.serviceId AS service_id,
       s.`title@fa` AS title_fa
ORDER BY agency, service
