// name: service-dependencies
// purpose: Everything a service (typically a chain's final service) depends on, transitively and
//   across chains: service A depends on service B when a link of A depends on a link of B in some
//   chain, and B's own dependencies follow, in any chain. Each service with its agency, the fewest
//   hops away it is, the chains and the datasets exchanged on the way (R-6.1). Reads one hop per
//   statement; the walk (each service visited once, so cycles end it) is done in Python.
// requirement: R-6.1
// param service: iri - the service
// analysis: service_dependencies
// subgraph: yes
MATCH (l:ChainLink)-[:linkService]->(s:Resource:PublicService)
WHERE s.iri IN $frontier
MATCH (l)-[:dependsOn]->(l2:ChainLink)-[:linkService]->(t:PublicService)
MATCH (c:ServiceChain)-[:hasLink]->(l2)
OPTIONAL MATCH (t)-[:agency]->(a:PublicOrganisation)
OPTIONAL MATCH (l2)-[:exchangesDataset]->(ds:Dataset)
RETURN s.iri AS source, t.iri AS target, t.`title@fa` AS title_fa, a.identifier AS agency,
       c.iri AS chain, collect(DISTINCT ds.iri) AS datasets
