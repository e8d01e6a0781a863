// name: agency-dependency-cycles
// purpose: Dependency cycles among agencies: agency A depends on agency B when, in some chain, a
//   link of A's service depends on a link of B's service. Each strongly connected group of two
//   or more agencies is one answer row, with a cycle through it and the chains involved
//   (R-6.1, R-6.3).
// requirement: R-6.1
// analysis: agency_cycles
// subgraph: yes
MATCH (c:ServiceChain)-[:hasLink]->(l:ChainLink)-[:dependsOn]->(l2:ChainLink)
MATCH (l)-[:linkService]->(:PublicService)-[:agency]->(a:PublicOrganisation)
MATCH (l2)-[:linkService]->(:PublicService)-[:agency]->(b:PublicOrganisation)
WHERE a.iri <> b.iri
RETURN a.iri AS source, b.iri AS target, collect(DISTINCT c.iri) AS chains
