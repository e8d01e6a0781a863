// name: duty-services
// purpose: The services mapped to a duty, each with its agency and service ID; `foreign` marks a
//   service of another agency than the duty's (R-4.1 maps services to their own agency's duties).
// requirement: R-4.1
// param duty: iri - the duty
// subgraph: yes
MATCH (s:PublicService)-[:follows]->(d:Resource:Duty {iri: $duty})
OPTIONAL MATCH (s)-[:agency]->(sa:PublicOrganisation)
OPTIONAL MATCH (d)-[:agency]->(da:PublicOrganisation)
RETURN s.iri AS service, s.`title@fa` AS title_fa, s.serviceId AS service_id,
       sa.identifier AS agency, coalesce(sa.iri <> da.iri, true) AS foreign
ORDER BY service
