// name: most-depended-upon
// purpose: Agencies, services and datasets ranked by how many chains and services depend on them,
//   directly or transitively, and their in-degree centrality in the dependency graph
//   (chain -> its services, service -> services its link depends on, service -> datasets it
//   uses, service -> its agency):
//   where a failure or a reform reaches furthest (R-6, R-10, R-18).
// requirement: R-18
// param kind: string? - only agency, service or dataset (all three when omitted)
// param top: int? - how many rows (default 20)
// analysis: most_depended_upon
MATCH (c:ServiceChain)-[:hasLink]->(l:ChainLink)-[:linkService]->(s:PublicService)
OPTIONAL MATCH (s)-[:agency]->(a:PublicOrganisation)
OPTIONAL MATCH (l)-[:dependsOn]->(:ChainLink)-[:linkService]->(t:PublicService)
OPTIONAL MATCH (l)-[:exchangesDataset]->(d:Dataset)
RETURN c.iri AS chain, s.iri AS service, a.iri AS agency, collect(DISTINCT t.iri) AS needs,
       collect(DISTINCT d.iri) AS datasets
UNION ALL
MATCH (d:Dataset)-[:usedByService]->(s:PublicService)
OPTIONAL MATCH (s)-[:agency]->(a:PublicOrganisation)
RETURN null AS chain, s.iri AS service, a.iri AS agency, [] AS needs, [d.iri] AS datasets
