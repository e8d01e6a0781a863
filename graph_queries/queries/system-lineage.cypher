// name: system-lineage
// purpose: Everything upstream and downstream of an information system in the data map (R-10.1):
//   the systems data reaches it from and flows on to, hop by hop, with the datasets carried.
//   A hop is read here; the walk over hops (cycle-safe) is done in Python.
// requirement: R-10.1
// param system: iri - the information system (e.g. agency/REG/system/SYS1)
// analysis: system_lineage
// subgraph: yes
MATCH (f:DataFlow)-[:fromSystem]->(src:Resource:InformationSystem)
WHERE src.iri IN $frontier
MATCH (f)-[:toSystem]->(dst:InformationSystem)
MATCH (f)-[:carriesDataset]->(d:Dataset)
RETURN src.iri AS source, dst.iri AS target, d.iri AS dataset
UNION
MATCH (f:DataFlow)-[:toSystem]->(dst:Resource:InformationSystem)
WHERE dst.iri IN $frontier
MATCH (f)-[:fromSystem]->(src:InformationSystem)
MATCH (f)-[:carriesDataset]->(d:Dataset)
RETURN src.iri AS source, dst.iri AS target, d.iri AS dataset
