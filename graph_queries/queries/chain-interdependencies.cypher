// name: chain-interdependencies
// purpose: Chains that depend on each other: chain A depends on chain B when a service in A's
//   links is B's final service, so a failure of B reaches A (R-6.1, R-6.3).
// requirement: R-6.1
// param chain: iri? - only the dependencies of this chain (all chains when omitted)
// subgraph: yes
MATCH (a:ServiceChain)-[:hasLink]->(:ChainLink)-[:linkService]->(s:PublicService)
MATCH (b:ServiceChain)-[:finalService]->(s)
WHERE a.iri <> b.iri AND ($chain IS NULL OR a.iri = $chain)
RETURN a.iri AS chain, b.iri AS depends_on_chain, collect(DISTINCT s.iri) AS via_services
ORDER BY chain, depends_on_chain
