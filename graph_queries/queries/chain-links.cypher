// name: chain-links
// purpose: A chain's links in order: each link's service and agency, the links it depends on,
//   the datasets it exchanges and the information systems that hold them (R-6.1).
// requirement: R-6.1
// param chain: iri - the chain (e.g. chain/CH-1)
// picture: $chain -> service, service -> depends_on_services, service -> datasets
// subgraph: yes
MATCH (c:Resource:ServiceChain {iri: $chain})-[:hasLink]->(l:ChainLink)
MATCH (l)-[:linkService]->(s:PublicService)
OPTIONAL MATCH (s)-[:agency]->(a:PublicOrganisation)
OPTIONAL MATCH (l)-[:dependsOn]->(dep:ChainLink)-[:linkService]->(needed:PublicService)
WITH c, l, s, a, collect(DISTINCT dep.order) AS depends_on,
     collect(DISTINCT needed.iri) AS depends_on_services
OPTIONAL MATCH (l)-[:exchangesDataset]->(ds:Dataset)
OPTIONAL MATCH (ds)-[:heldIn]->(sys:InformationSystem)
WITH c, l, s, a, depends_on, depends_on_services, collect(DISTINCT ds.iri) AS datasets,
     collect(DISTINCT sys.iri) AS systems
OPTIONAL MATCH (c)-[:finalService]->(f:PublicService)
RETURN l.order AS link, l.iri AS link_iri, s.iri AS service, s.`title@fa` AS title_fa,
       a.identifier AS agency, depends_on, depends_on_services, datasets, systems,
       s.iri = f.iri AS final
ORDER BY link
