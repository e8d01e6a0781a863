// name: service-duties
// purpose: The duties a service is mapped to (cpsv:follows), each with its agency, duty ID and
//   legal bases; `foreign` marks a duty of another agency, which R-4.1 does not allow.
// requirement: R-4.1
// param service: iri - the service (an IRI, or a path under the base such as agency/REG/service/S1)
// subgraph: yes
MATCH (s:Resource:PublicService {iri: $service})-[:follows]->(d:Duty)
OPTIONAL MATCH (s)-[:agency]->(sa:PublicOrganisation)
OPTIONAL MATCH (d)-[:agency]->(da:PublicOrganisation)
OPTIONAL MATCH (d)-[:implements]->(law:LegalResource)
WITH s, d, sa, da, collect(DISTINCT law.`title@fa`) AS legal_bases
RETURN d.iri AS duty, d.`title@fa` AS title_fa, d.dutyId AS duty_id, da.identifier AS agency,
       legal_bases, coalesce(sa.iri <> da.iri, true) AS foreign
ORDER BY duty
