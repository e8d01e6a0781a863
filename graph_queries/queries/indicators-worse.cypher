// name: indicators-worse
// purpose: Indicators of improvement plans that got worse than before the plan (R-5.1, R-5.2,
//   R-18): the value of the latest progress report that states one is below the baseline of an
//   indicator that gets better as it increases, or above the baseline of one that gets better
//   as it decreases (`direction`).
// requirement: R-18
// param agency: iri? - only this agency's plans (e.g. agency/SABT); every agency when omitted
MATCH (i:Indicator)-[:plan]->(p:ImprovementPlan)-[:agency]->(a:Resource)
WHERE $agency IS NULL OR a.iri = $agency
MATCH (i)-[:direction]->(d:Resource)
MATCH (p)<-[:reportsOn]-(r:ProgressReport)-[:measurement]->(v:IndicatorValue)-[:indicator]->(i)
WITH a, p, i, d, max(r.period) AS period
MATCH (p)<-[:reportsOn]-(r:ProgressReport)-[:measurement]->(v:IndicatorValue)-[:indicator]->(i)
WHERE r.period = period
WITH a, p, i, d, period, v.value AS latest, toFloat(v.value) AS reached,
     toFloat(i.baseline) AS before
WHERE (d.iri ENDS WITH '/increase' AND reached < before)
   OR (d.iri ENDS WITH '/decrease' AND reached > before)
RETURN a.identifier AS agency, p.iri AS plan, i.iri AS indicator, i.ref AS indicator_ref,
       i.`title@fa` AS title_fa, d.iri AS direction, i.baseline AS baseline, latest, period
ORDER BY agency, plan, indicator
