// name: compare-structure
// purpose: Two versions of an agency's org structure (R-11, R-12): the stored one against a
//   proposed one (a workbook or CSV folder of its units, posts and employees in the loading
//   template's format, or a Turtle file), without writing anything. The proposal's units,
//   posts and employees replace the stored ones of each kind it has (a kind it leaves out
//   stays as stored); merges FROM->INTO may be named too. Answers what the proposal removes,
//   adds, moves and merges, and the impact of going from the stored version to it: services
//   that lose their last unit or post or their last employee, chains that break, duties left
//   without a service, information systems and datasets left with no working service, posts
//   left without a holder (R-4.3). Reads the agency's org and delivery subgraph as edges; the
//   change is played out in Python (graph_queries/structure.py).
// requirement: R-11
// param agency: iri? - the agency (default: the one the proposal's units and posts belong to)
// param proposed: structure - the proposed structure (a file; over HTTP, the request body)
// param merge: iri-pairs? - units, posts or employees merged, FROM->INTO (e.g. unit/U2->unit/U1)
// analysis: compare_structure
// picture: because -> iri
// subgraph: yes
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (u:OrganizationalUnit)-[:unitOf]->(a)
OPTIONAL MATCH (u)-[:subOrganizationOf]->(parent:OrganizationalUnit)
RETURN u.iri AS source, 'subOrganizationOf' AS rel, parent.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (p:Post)-[:agency]->(a)
OPTIONAL MATCH (p)-[:postIn]->(u:OrganizationalUnit)
RETURN p.iri AS source, 'postIn' AS rel, u.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (e:Employee)-[:holds]->(p:Post)-[:agency]->(a)
RETURN e.iri AS source, 'holds' AS rel, p.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (a)<-[:agency]-(s:PublicService)-[r:deliveringUnit|deliveringPost|deliveringEmployee]->(x)
RETURN s.iri AS source, type(r) AS rel, x.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (a)<-[:agency]-(s:PublicService)-[:follows]->(d:Duty)
WITH a, s, d
MATCH (d)-[:agency]->(a)
RETURN s.iri AS source, 'follows' AS rel, d.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (s:PublicService)-[:agency]->(a)
MATCH (c:ServiceChain)-[:hasLink]->(:ChainLink)-[:linkService]->(s)
RETURN DISTINCT c.iri AS source, 'needsService' AS rel, s.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (s:PublicService)-[:agency]->(a)
MATCH (sys:InformationSystem)-[:supportsService]->(s)
MATCH (sys)-[:supportsService]->(other:PublicService)
RETURN DISTINCT sys.iri AS source, 'supportsService' AS rel, other.iri AS target
UNION ALL
MATCH (a:Resource:PublicOrganisation {iri: $agency})
MATCH (s:PublicService)-[:agency]->(a)
MATCH (d:Dataset)-[:usedByService]->(s)
MATCH (d)-[:usedByService]->(other:PublicService)
RETURN DISTINCT d.iri AS source, 'usedByService' AS rel, other.iri AS target
