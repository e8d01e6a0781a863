// name: verification-disagreements
// purpose: Provinces whose verification of a plan disagrees with what the agency claims (R-8.1,
//   R-18): an indicator the province did not confirm, or a value it observed that differs from
//   the latest value the agency reported for that indicator (or none reported).
// requirement: R-8.1
// param agency: iri? - only this agency's plans (e.g. agency/SABT); every agency when omitted
MATCH (vr:VerificationReport)-[:verifies]->(p:ImprovementPlan)-[:agency]->(a:Resource)
WHERE $agency IS NULL OR a.iri = $agency
MATCH (vr)-[:spatial]->(c:Resource)
MATCH (vr)-[:verification]->(iv:IndicatorVerification)-[:indicator]->(i:Resource)
MATCH (iv)-[:verdict]->(k:Resource)
OPTIONAL MATCH (p)<-[:reportsOn]-(r:ProgressReport)-[:measurement]->(v:IndicatorValue)
               -[:indicator]->(i)
WITH a, p, vr, c, i, iv, k, max(r.period) AS period
OPTIONAL MATCH (p)<-[:reportsOn]-(r2:ProgressReport)-[:measurement]->(v2:IndicatorValue)
               -[:indicator]->(i)
WHERE r2.period = period
WITH a, p, vr, c, i, iv, k, period, v2.value AS claimed
WHERE k.iri ENDS WITH '/not_confirmed' OR claimed IS NULL
   OR toFloat(claimed) <> toFloat(iv.value)
RETURN a.identifier AS agency, p.iri AS plan, c.iri AS province, i.iri AS indicator,
       i.ref AS indicator_ref, k.iri AS verdict, iv.value AS observed, claimed,
       period AS claimed_in, vr.iri AS report
ORDER BY agency, plan, province, indicator
