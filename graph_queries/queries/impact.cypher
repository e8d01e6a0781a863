// name: impact
// purpose: What if these units, posts or employees were removed, or merged into another of their
//   kind (nothing is written): services that lose their last unit or post or their last
//   employee, chains that break, duties left without a service, information systems and
//   datasets left with no working service, posts left without a holder (R-11, R-12, R-4.3). A
//   removed unit takes its sub-units and posts with it; an employee left with no post goes. A
//   merged unit's sub-units and posts move to the survivor, a merged post's holders hold the
//   survivor, and the services of the merged one are delivered by the survivor, so nothing is
//   lost that the survivor keeps. Reads the agencies' org and delivery subgraph as edges; the
//   change is played out in Python (graph_queries/structure.py). Only the agency's own duties
//   can be left unserved: another agency's duty keeps its own agency's services (R-4.1 maps
//   services to their own agency's duties).
// requirement: R-11
// param units: iri-list? - units to remove
// param posts: iri-list? - posts to remove
// param employees: iri-list? - employees to remove
// param merge: iri-pairs? - units, posts or employees merged, FROM->INTO (e.g. post/P2->post/P1)
// note: the duty's agency is matched after a WITH: FalkorDB 4.16 plans the single pattern
//   about 40 times slower (2.2 s against 50 ms for an agency of 1,000 services).
// analysis: impact
// picture: because -> iri
// subgraph: yes
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (u:OrganizationalUnit)-[:unitOf]->(a)
OPTIONAL MATCH (u)-[:subOrganizationOf]->(parent:OrganizationalUnit)
RETURN u.iri AS source, 'subOrganizationOf' AS rel, parent.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (p:Post)-[:agency]->(a)
OPTIONAL MATCH (p)-[:postIn]->(u:OrganizationalUnit)
RETURN p.iri AS source, 'postIn' AS rel, u.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (e:Employee)-[:holds]->(p:Post)-[:agency]->(a)
RETURN e.iri AS source, 'holds' AS rel, p.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (a)<-[:agency]-(s:PublicService)-[r:deliveringUnit|deliveringPost|deliveringEmployee]->(x)
RETURN s.iri AS source, type(r) AS rel, x.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (a)<-[:agency]-(s:PublicService)-[:follows]->(d:Duty)
WITH a, s, d
MATCH (d)-[:agency]->(a)
RETURN s.iri AS source, 'follows' AS rel, d.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (s:PublicService)-[:agency]->(a)
MATCH (c:ServiceChain)-[:hasLink]->(:ChainLink)-[:linkService]->(s)
RETURN DISTINCT c.iri AS source, 'needsService' AS rel, s.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (s:PublicService)-[:agency]->(a)
MATCH (sys:InformationSystem)-[:supportsService]->(s)
MATCH (sys)-[:supportsService]->(other:PublicService)
RETURN DISTINCT sys.iri AS source, 'supportsService' AS rel, other.iri AS target
UNION ALL
UNWIND $seeds AS seed
MATCH (:Resource {iri: seed})-[:unitOf|agency|holds*1..2]->(a:PublicOrganisation)
WITH DISTINCT a
MATCH (s:PublicService)-[:agency]->(a)
MATCH (d:Dataset)-[:usedByService]->(s)
MATCH (d)-[:usedByService]->(other:PublicService)
RETURN DISTINCT d.iri AS source, 'usedByService' AS rel, other.iri AS target
