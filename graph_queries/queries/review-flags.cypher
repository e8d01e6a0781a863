// name: review-flags
// purpose: Services and chains flagged to review because a duty they rest on changed or was
//   withdrawn (R-3.3): per agency, each open flag with its record, the 10-day clock counted
//   from the legal change (`changed_on`) and its due date; `state` all lists resolved ones too.
// requirement: R-3.3
// param agency: iri? - the agency whose records are flagged (e.g. agency/SABT); all when left out
// param state: string? - open (the default), met (resolved) or all
MATCH (o:Obligation)-[:agency]->(a:Resource)
WHERE o.clockKey STARTS WITH 'R-3.3/review/'
  AND ($agency IS NULL OR a.iri = $agency)
  AND (coalesce($state, 'open') = 'all' OR o.state = coalesce($state, 'open'))
OPTIONAL MATCH (o)-[:relation]->(r:Resource)
RETURN a.identifier AS agency, r.iri AS record, labels(r) AS kind, r.`title@fa` AS title_fa,
       o.source AS duty, o.clockStart AS changed_on, o.dueDate AS due, o.state AS state,
       o.endedOn AS resolved_on, o.iri AS flag
ORDER BY due, agency, record
