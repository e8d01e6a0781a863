"""Graph queries for auditors (issue 5): named `.cypher` queries with headers, networkx
analyses, ad-hoc read-only Cypher, answers as JSON, CSV and SVG."""
