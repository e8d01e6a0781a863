// name: plans-behind-schedule
// purpose: Approved improvement plans late against their own timeline (R-5.1, R-18): each
//   action whose due date is before `as_of` and that no progress report of the plan has
//   declared done (R-5.2), with its plan and agency.
// requirement: R-18
// param as_of: date? - the day the timeline is judged on (Solar Hijri or ISO; default today)
// param agency: iri? - only this agency's plans (e.g. agency/SABT); every agency when omitted
// analysis: behind_schedule
MATCH (p:ImprovementPlan)-[:agency]->(a:Resource)
WHERE $agency IS NULL OR a.iri = $agency
MATCH (p)-[:status]->(st:Resource)
WHERE st.iri ENDS WITH '/status/approved'
MATCH (x:ImprovementAction)-[:plan]->(p)
WHERE x.dueDate < $as_of
OPTIONAL MATCH (p)<-[:reportsOn]-(r:ProgressReport)-[:actionDone]->(x)
WITH a, p, x, count(r) AS declared
WHERE declared = 0
RETURN a.identifier AS agency, p.iri AS plan, p.ref AS plan_ref, x.iri AS action,
       x.ref AS action_ref, x.`title@fa` AS title_fa, x.dueDate AS due
ORDER BY agency, plan, due, action
