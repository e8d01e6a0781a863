// name: dataset-lineage
// purpose: A dataset's lineage in the data map (R-10.1): the systems that hold it, the flows that
//   carry it (from and to which systems), the services that use it and the chains whose links
//   exchange it. One row per relation; `other` is the system at the other end of a flow.
// requirement: R-10.1
// param dataset: iri - the dataset (e.g. agency/REG/dataset/DS1)
// subgraph: yes
MATCH (d:Resource:Dataset {iri: $dataset})-[:heldIn]->(sys:InformationSystem)
RETURN 'held_in' AS relation, sys.iri AS iri, sys.`title@fa` AS title_fa, null AS other
UNION ALL
MATCH (f:DataFlow)-[:carriesDataset]->(:Resource:Dataset {iri: $dataset})
MATCH (f)-[:fromSystem]->(src:InformationSystem)
MATCH (f)-[:toSystem]->(dst:InformationSystem)
RETURN 'flow' AS relation, src.iri AS iri, src.`title@fa` AS title_fa, dst.iri AS other
UNION ALL
MATCH (:Resource:Dataset {iri: $dataset})-[:usedByService]->(s:PublicService)
RETURN 'used_by_service' AS relation, s.iri AS iri, s.`title@fa` AS title_fa, null AS other
UNION ALL
MATCH (l:ChainLink)-[:exchangesDataset]->(:Resource:Dataset {iri: $dataset})
MATCH (c:ServiceChain)-[:hasLink]->(l)
RETURN DISTINCT 'exchanged_in_chain' AS relation, c.iri AS iri, c.`title@fa` AS title_fa,
       null AS other
